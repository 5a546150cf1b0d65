import type { Position } from '@kurrent/kurrentdb-client';

/** The `$all` position as the opaque, ordered cursor `commit:prepare`. */
export function encodeEsdbCursor(position: Position): string {
  return `${position.commit}:${position.prepare}`;
}

export function parseEsdbCursor(cursor: string): Position {
  const match = /^(\d+):(\d+)$/.exec(cursor);
  if (match === null)
    throw new Error(`invalid ledger cursor ${JSON.stringify(cursor)}: expected commit:prepare`);
  return { commit: BigInt(match[1]), prepare: BigInt(match[2]) };
}
