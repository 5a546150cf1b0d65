import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { LeaseStore } from './lease-store';
import { PostgresLeaseStore } from './postgres-lease-store';
import { SqliteLeaseStore } from './sqlite-lease-store';

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

/** The lease table beside the read model named by READ_MODEL_URL (its own connection). */
export async function openLeaseStore(readModelUrl: string): Promise<LeaseStore> {
  if (readModelUrl.startsWith('sqlite:')) return new SqliteLeaseStore(readModelUrl.slice('sqlite:'.length));
  const parsed = new URL(readModelUrl);
  const schema = parsed.searchParams.get('schema') ?? 'retention';
  if (!IDENT.test(schema)) throw new Error(`READ_MODEL_URL: schema must match ${IDENT}, got "${schema}"`);
  parsed.searchParams.delete('schema');
  return PostgresLeaseStore.connect(parsed.toString(), schema);
}

/** A holder name that tells an operator which process holds a lease. */
export function leaseHolder(role: string): string {
  return `${role}@${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}
