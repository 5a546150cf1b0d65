import { randomBytes } from 'node:crypto';
import { describeLedgerConformance } from '../testing/conformance';
import { EsdbLedgerStore } from './esdb-ledger-store';

const url = process.env.EVENTSTORE_CONNECTION_STRING;

if (url === undefined) {
  describe.skip(
    'EventStoreDB ledger: skipped because EVENTSTORE_CONNECTION_STRING is not set ' +
      '(e.g. kurrentdb://admin:changeit@localhost:2113?tls=false; needs KurrentDB ≥ 25.1 for multi-stream appends)',
    () => {
      it('runs the LedgerStore conformance suite against a live server', () => undefined);
    },
  );
} else {
  describeLedgerConformance(
    'EventStoreDB',
    async () => {
      // Streams cannot be dropped cleanly, so each test writes under a prefix of its own.
      const store = new EsdbLedgerStore({
        connectionString: url,
        streamPrefix: `t${randomBytes(5).toString('hex')}ledger-`,
      });
      return { store, dispose: () => store.close() };
    },
    // Events cannot be edited in place: there is no UPDATE to refuse nor a field to tamper with.
    { rawAccess: false },
  );
}
