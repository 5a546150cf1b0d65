import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { LedgerStore } from './ledger-store';
import { SqliteLedgerStore } from './sqlite/sqlite-ledger-store';

export const LEDGER_URL_FORMS =
  'sqlite:<path> (e.g. sqlite:./data/ledger.db), postgres://… or postgresql://… (optional ?schema=<name>), ' +
  'esdb://… or kurrentdb://…';

/**
 * Opens the ledger named by a LEDGER_URL value (DESIGN.md, configuration).
 * The PostgreSQL and EventStoreDB adapters are loaded only when asked for: the
 * EventStoreDB client alone takes a tenth of a second to load.
 */
export interface OpenLedgerOptions {
  /** PostgreSQL: a pooled connection was lost outside a query; the pool reconnects by itself. */
  onConnectionError?: (err: Error) => void;
  /**
   * For read-only commands (verify, replay, audit, export…): an existing ledger only —
   * a missing SQLite file or PostgreSQL schema is a `LedgerNotFoundError`, nothing is created.
   */
  readOnly?: boolean;
}

export async function openLedger(url: string, options: OpenLedgerOptions = {}): Promise<LedgerStore> {
  const readOnly = options.readOnly ?? false;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase();
  switch (scheme) {
    case 'sqlite': {
      const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
      if (path === '' || path === ':memory:') {
        throw new Error(
          `LEDGER_URL ${JSON.stringify(url)}: a SQLite ledger needs a file path (sqlite:<path>)`,
        );
      }
      if (readOnly) return new SqliteLedgerStore(path, { readOnly });
      mkdirSync(dirname(resolve(path)), { recursive: true });
      return new SqliteLedgerStore(path);
    }
    case 'postgres':
    case 'postgresql': {
      const { PostgresLedgerStore } = await import('./postgres/postgres-ledger-store');
      return PostgresLedgerStore.open({
        connectionString: url,
        readOnly,
        onConnectionError: options.onConnectionError,
      });
    }
    case 'esdb':
    case 'esdb+discover':
    case 'kurrentdb':
    case 'kurrentdb+discover': {
      const { EsdbLedgerStore } = await import('./esdb/esdb-ledger-store');
      return new EsdbLedgerStore({ connectionString: url });
    }
    default:
      throw new Error(`LEDGER_URL ${JSON.stringify(url)} is not supported: use ${LEDGER_URL_FORMS}`);
  }
}
