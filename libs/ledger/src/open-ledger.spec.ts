import { openLedger } from './open-ledger';

describe('openLedger', () => {
  it.each(['mysql://localhost/db', 'ledger.db', 'file:./x.db', ''])(
    'refuses %j naming LEDGER_URL and the accepted forms',
    async (url) => {
      await expect(openLedger(url)).rejects.toThrow(
        /LEDGER_URL.*sqlite:<path>.*postgres:\/\/.*esdb:\/\/.*kurrentdb:\/\//,
      );
    },
  );

  it('refuses a SQLite URL without a file path', async () => {
    await expect(openLedger('sqlite:')).rejects.toThrow(/LEDGER_URL.*file path/);
  });
});
