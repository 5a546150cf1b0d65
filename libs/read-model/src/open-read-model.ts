import { ReadModel } from './obligation-record';
import { SqliteReadModel } from './sqlite/sqlite-read-model';
import { PostgresReadModel } from './postgres/postgres-read-model';

/** `sqlite:<path>` or `postgres://…` (READ_MODEL_URL). */
export interface OpenReadModelOptions {
  /** PostgreSQL: a pooled connection was lost outside a query; the pool reconnects by itself. */
  onConnectionError?: (err: Error) => void;
}

export async function openReadModel(url: string, opts: OpenReadModelOptions = {}): Promise<ReadModel> {
  if (url.startsWith('sqlite:')) return new SqliteReadModel(url.slice('sqlite:'.length));
  if (url.startsWith('postgres://') || url.startsWith('postgresql://'))
    return PostgresReadModel.connect(url, opts.onConnectionError);
  throw new Error(`READ_MODEL_URL must be sqlite:<path> or postgres://…, got "${url}"`);
}
