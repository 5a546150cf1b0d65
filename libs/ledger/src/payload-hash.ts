import { quoteJson } from '@app/contracts/canonical-json';
import { isSealed, type SubjectPart } from '@app/contracts/entry-types';
import { sha256Hex } from './sha256';

/** The parts of an entry that make up its identity for eventId idempotency. */
export interface PayloadFields {
  tenantId: string;
  type: string;
  occurredAt: string;
  /** Canonical JSON of `data`. */
  dataJson: string;
  subject: SubjectPart | null;
}

/**
 * Content hash deciding "same eventId, same payload" (a redelivery: no-op) from
 * "same eventId, different payload" (a conflict). Provenance (source), arrival
 * (recordedAt) and the random salt are excluded: a redelivery from another
 * offset, or later, is still the same fact. Canonical JSON of
 * {data, occurredAt, subjectId, tenantId, type}, in RFC 8785 key order; for a sealed
 * subject `pseudonym` takes `subjectId`'s place (no plaintext in the hash, and the
 * ciphertext, random per encryption, is left out so a redelivery still matches).
 */
export function payloadHash(p: PayloadFields): string {
  return sha256Hex(
    '{"data":' +
      p.dataJson +
      ',"occurredAt":' +
      quoteJson(p.occurredAt) +
      subjectField(p.subject) +
      ',"tenantId":' +
      quoteJson(p.tenantId) +
      ',"type":' +
      quoteJson(p.type) +
      '}',
  );
}

function subjectField(subject: SubjectPart | null): string {
  if (subject === null) return ',"subjectId":null';
  return isSealed(subject)
    ? ',"pseudonym":' + quoteJson(subject.pseudonym)
    : ',"subjectId":' + quoteJson(subject.subjectId);
}
