import { canonicalJson } from '@app/contracts/canonical-json';
import { canonicalSource, canonicalSubject } from '../canonical';
import type { ChainRecord } from '../chain-record';
import { entryHash, GENESIS_HASH } from '../hash-chain';
import { storedSubjectDigest } from '../subject';

/** A valid chain of `length` records for one tenant (every other one with a subject), for unit specs. */
export function makeChain(tenantId: string, length: number, store = 'crm'): ChainRecord[] {
  const records: ChainRecord[] = [];
  let prevHash = GENESIS_HASH;
  for (let position = 1; position <= length; position++) {
    const subjectJson =
      position % 2 === 1
        ? canonicalSubject(position.toString(16).padStart(32, '0'), `user-${position}`)
        : null;
    const record: ChainRecord = {
      tenantId,
      streamPosition: position,
      eventId: `${tenantId}-evt-${position}`,
      type: 'DataCreated',
      occurredAt: new Date(Date.UTC(2024, 0, 1, 0, position)).toISOString(),
      recordedAt: '2024-02-01T00:00:00.000Z',
      dataJson: canonicalJson({ dataId: `d${position}`, category: 'personal', region: 'eu', store }),
      subjectDigest: subjectJson === null ? null : storedSubjectDigest(subjectJson),
      subjectJson,
      sourceJson: canonicalSource({ topic: 'data-created', partition: 0, offset: String(position) }),
      prevHash,
      hash: '',
    };
    record.hash = entryHash(record);
    prevHash = record.hash;
    records.push(record);
  }
  return records;
}

/** Recomputes the hash of `record` after a legitimate-looking edit (as a forger would). */
export function rehash(record: ChainRecord): ChainRecord {
  return { ...record, hash: entryHash(record) };
}
