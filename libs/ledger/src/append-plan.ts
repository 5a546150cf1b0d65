import { ENTRY_TYPES, isSealed, type EntrySource, type NewEntry } from '@app/contracts/entry-types';
import { assertWellFormed, canonicalJson } from '@app/contracts/canonical-json';
import { canonicalSource } from './canonical';
import type { NewChainRecord } from './chain-record';
import { entryHash, GENESIS_HASH } from './hash-chain';
import type { AppendOutcome, StreamHead } from './ledger-store';
import { payloadHash } from './payload-hash';
import { newSalts, storedSubjectDigest, storedSubjectJson } from './subject';

/**
 * The adapter-independent steps of `appendBatch`: validate and hash the input,
 * sort out duplicates and conflicts, then chain what is left onto the stream
 * heads. Adapters only fetch what these steps need and write what they return.
 */

/** An entry the ledger cannot store faithfully; thrown before anything of the batch is written. */
export class LedgerInputError extends Error {
  override readonly name = 'LedgerInputError';
  constructor(
    readonly index: number,
    readonly eventId: unknown,
    message: string,
  ) {
    // The eventId stays a property: the message becomes a dead-letter reason and a log line.
    super(`ledger entry #${index}: ${message}`);
  }
}

export interface PreparedEntry {
  /** Index in the batch: outcomes are reported in input order. */
  index: number;
  entry: NewEntry;
  dataJson: string;
  payloadHash: string;
}

const KNOWN_TYPES: ReadonlySet<string> = new Set(ENTRY_TYPES);

function checkText(value: string, what: string): void {
  assertWellFormed(value, what);
  // PostgreSQL TEXT cannot hold NUL; refusing it everywhere keeps the adapters interchangeable.
  if (value.includes('\u0000')) throw new Error(`${what} must not contain NUL characters`);
}

function requireString(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new Error(`${what} must be a non-empty string`);
  checkText(value, what);
  return value;
}

function checkSource(source: EntrySource | null): void {
  if (source === null) return;
  if (typeof source !== 'object') throw new Error('source must be an object or null');
  requireString(source.topic, 'source.topic');
  if (!Number.isSafeInteger(source.partition) || source.partition < 0) {
    throw new Error('source.partition must be a non-negative integer');
  }
  if (typeof source.offset !== 'string') throw new Error('source.offset must be a string');
  checkText(source.offset, 'source.offset');
}

function checkSubject(subject: NewEntry['subject']): void {
  if (subject === null) return;
  if (typeof subject !== 'object') throw new Error('subject must be an object or null');
  if (isSealed(subject)) {
    requireString(subject.pseudonym, 'subject.pseudonym');
    requireString(subject.ciphertext, 'subject.ciphertext');
  } else requireString(subject.subjectId, 'subject.subjectId');
}

/** Validates each entry and computes its canonical data and payload hash; throws LedgerInputError on the first bad one. */
export function prepareEntries(entries: readonly NewEntry[]): PreparedEntry[] {
  const prepared = new Array<PreparedEntry>(entries.length);
  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index];
    try {
      requireString(entry.eventId, 'eventId');
      requireString(entry.tenantId, 'tenantId');
      if (!KNOWN_TYPES.has(entry.type)) throw new Error(`unknown type ${JSON.stringify(entry.type)}`);
      requireString(entry.occurredAt, 'occurredAt');
      const data: unknown = entry.data;
      if (typeof data !== 'object' || data === null || Array.isArray(data))
        throw new Error('data must be an object');
      const dataJson = canonicalJson(data);
      checkSubject(entry.subject);
      checkSource(entry.source);
      prepared[index] = {
        index,
        entry,
        dataJson,
        payloadHash: payloadHash({
          tenantId: entry.tenantId,
          type: entry.type,
          occurredAt: entry.occurredAt,
          dataJson,
          subject: entry.subject,
        }),
      };
    } catch (error) {
      // Shape errors (ours, CanonicalJsonError, a TypeError from a missing field) all mean bad input.
      if (error instanceof Error) throw new LedgerInputError(index, entry?.eventId, error.message);
      throw error;
    }
  }
  return prepared;
}

/**
 * Splits prepared entries into those to append and the outcomes already known.
 * `stored` gives the payload hash already recorded for an eventId (any tenant:
 * eventIds are globally unique). An eventId seen earlier in the same batch
 * counts as recorded, so in-batch repeats are duplicates or conflicts too.
 */
export function classifyEntries(
  prepared: readonly PreparedEntry[],
  stored: (eventId: string) => string | undefined,
): { toAppend: PreparedEntry[]; outcomes: Array<AppendOutcome | undefined> } {
  const outcomes = new Array<AppendOutcome | undefined>(prepared.length);
  const toAppend: PreparedEntry[] = [];
  // Per eventId: the payload that is (or is about to be) stored, and whether it is from this batch.
  const known = new Map<string, { payloadHash: string; inBatch: boolean }>();
  for (const p of prepared) {
    const eventId = p.entry.eventId;
    let first = known.get(eventId);
    if (first === undefined) {
      const storedHash = stored(eventId);
      if (storedHash === undefined) {
        known.set(eventId, { payloadHash: p.payloadHash, inBatch: true });
        toAppend.push(p);
        continue;
      }
      first = { payloadHash: storedHash, inBatch: false };
      known.set(eventId, first);
    }
    outcomes[p.index] =
      first.payloadHash === p.payloadHash
        ? { status: 'duplicate', eventId }
        : {
            status: 'conflict',
            eventId,
            reason: first.inBatch
              ? 'eventId appears earlier in the same batch with a different payload'
              : 'eventId is already in the ledger with a different payload (tenantId, type, occurredAt, data or subject differ)',
          };
  }
  return { toAppend, outcomes };
}

/**
 * Chains entries onto their streams: assigns positions, salts and digests the
 * subjects, links prevHash and computes hashes. `head` is asked once per tenant
 * for the current head (position 0 and GENESIS_HASH for a new stream). Returns
 * the records in input order and the new heads.
 */
export function chainEntries(
  toAppend: readonly PreparedEntry[],
  head: (tenantId: string) => StreamHead | undefined,
  recordedAt: string,
): { records: NewChainRecord[]; heads: Map<string, StreamHead> } {
  const heads = new Map<string, StreamHead>();
  let plainSubjects = 0;
  for (const p of toAppend) if (p.entry.subject !== null && !isSealed(p.entry.subject)) plainSubjects++;
  const salts = newSalts(plainSubjects);
  let nextSalt = 0;
  const salt = (): string => salts[nextSalt++];
  const records = new Array<NewChainRecord>(toAppend.length);
  for (let i = 0; i < toAppend.length; i++) {
    const { entry, dataJson } = toAppend[i];
    let current = heads.get(entry.tenantId);
    if (current === undefined) {
      // A copy, moved forward in place below: one object per stream and batch instead of
      // one per entry, and the caller's head (often its cache) is left untouched.
      const stored = head(entry.tenantId);
      current = {
        tenantId: entry.tenantId,
        position: stored === undefined ? 0 : stored.position,
        hash: stored === undefined ? GENESIS_HASH : stored.hash,
      };
      heads.set(entry.tenantId, current);
    }
    const subjectJson = entry.subject === null ? null : storedSubjectJson(entry.subject, salt);
    const record: NewChainRecord = {
      tenantId: entry.tenantId,
      streamPosition: current.position + 1,
      eventId: entry.eventId,
      type: entry.type,
      occurredAt: entry.occurredAt,
      recordedAt,
      dataJson,
      subjectDigest: subjectJson === null ? null : storedSubjectDigest(subjectJson),
      sourceJson: entry.source === null ? null : canonicalSource(entry.source),
      prevHash: current.hash,
      subjectJson,
      hash: '',
      payloadHash: toAppend[i].payloadHash,
    };
    record.hash = entryHash(record);
    records[i] = record;
    current.position = record.streamPosition;
    current.hash = record.hash;
  }
  return { records, heads };
}
