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

/**
 * Whether a holder is a process of this host that no longer runs. A process restarted
 * after a crash is a new holder; without this it would wait out its own dead
 * predecessor's leases. Holders on other hosts are left to expire.
 */
export function isDeadLocalHolder(holder: string): boolean {
  const match = /@(.+):(\d+):[0-9a-f]+$/.exec(holder);
  if (match === null || match[1] !== hostname()) return false;
  const pid = Number(match[2]);
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Drops the leases of dead processes of this host; returns how many holders. */
export async function releaseDeadLocalHolders(leases: LeaseStore): Promise<number> {
  const dead = (await leases.holders()).filter(isDeadLocalHolder);
  for (const holder of dead) await leases.releaseAll(holder);
  return dead.length;
}
