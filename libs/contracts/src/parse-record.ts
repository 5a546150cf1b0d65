import type { EntryDataByType, EntrySource, EntryType, NewEntry, SubjectPart } from './entry-types';
import { DataCreatedDto } from './events/data-created.dto';
import { DataDeletedDto } from './events/data-deleted.dto';
import { DataRestoredDto } from './events/data-restored.dto';
import { LegalHoldDto } from './events/legal-hold.dto';
import { UserRestoredDto } from './events/user-restored.dto';
import { LifecycleEventDto } from './events/lifecycle-event.dto';
import { SubscriptionEndedDto } from './events/subscription-ended.dto';
import { SubscriptionReactivatedDto } from './events/subscription-reactivated.dto';
import { UserDeletedDto } from './events/user-deleted.dto';
import type { RawRecord } from './raw-record';
import { receiptEventId, reservedEventIdPrefix } from './ledger-ids';
import { isPseudonym } from './subject-pseudonym';
import { sanitiseFreeText } from './validation/free-text';
import { unwrapStructured } from './cloudevents/structured';
import { DeletionReceiptDto } from './receipts/deletion-receipt.dto';
import type { LifecycleTopic, TopicNames } from './topics';
import { describeProblems, DtoClass, validateDto } from './validation/validate-dto';
import { parseJsonText } from './validation/json-text';
import { normaliseRfc3339 } from './validation/rfc3339';

export type { RawRecord } from './raw-record';

export interface ParseContext {
  topics: TopicNames;
  /** Policy categories; `data-created` must name one of them. */
  categories: ReadonlySet<string>;
  /** Configured regions (REGIONS). */
  regions: ReadonlySet<string>;
  now: Date;
  /** How far past `now` an event time may lie before it is "far in the future". */
  maxFutureSkewMs: number;
  /** The earliest acceptable event time (MIN_OCCURRED_AT): older times would rewrite the past (backdating). */
  minOccurredAtMs: number;
  maxMessageBytes: number;
}

export type ParseResult = { ok: true; entry: NewEntry } | { ok: false; reason: string };

/** Strict UTF-8; a leading BOM is tolerated (and dropped) since JSON.parse would choke on it. */
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** CloudEvents Kafka binding (binary mode) header names that can stand in for envelope fields. */
const CE_HEADERS = { eventId: 'ce_id', occurredAt: 'ce_time' } as const;
type CeField = keyof typeof CE_HEADERS;
const NONE: ReadonlySet<string> = new Set();

type Rejection = { ok: false; reason: string };
const reject = (reason: string): Rejection => ({ ok: false, reason });

/**
 * Reasons name the field and the rule a record broke, never a value of it: a reason goes to
 * the dead letter's headers, the logs and the metrics, where the record's bytes (and the
 * personal data in them) do not. The dead letter carries the record itself for whoever may
 * read it. Names from the configuration (topics, categories, regions, limits) may appear.
 */

function listOf(values: ReadonlySet<string>): string {
  return [...values].join(', ');
}

function describeJsonType(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}

/** value bytes → JSON object, checking size before decoding so a huge value costs nothing. */
function decodeObject(
  raw: RawRecord,
  ctx: ParseContext,
): { ok: true; obj: Record<string, unknown> } | Rejection {
  const value = raw.value;
  if (value === null || value.length === 0) return reject('empty value');
  if (value.length > ctx.maxMessageBytes) {
    return reject(`oversized value: ${value.length} bytes exceeds the maximum of ${ctx.maxMessageBytes}`);
  }
  let text: string;
  try {
    text = utf8.decode(value);
  } catch {
    return reject('value is not valid UTF-8');
  }
  const json = parseJsonText(text);
  if (!json.ok) return reject(json.reason);
  const parsed = json.value;
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return reject(`JSON value is ${describeJsonType(parsed)}, not an object`);
  }
  return { ok: true, obj: parsed as Record<string, unknown> };
}

/** A header's text; repeated headers count only if every copy says the same. */
function headerText(raw: RawRecord, name: string): { ok: true; text: string | undefined } | Rejection {
  const header = raw.headers[name];
  if (header === undefined) return { ok: true, text: undefined };
  const copies = Array.isArray(header) ? header : [header];
  let text: string | undefined;
  for (const copy of copies) {
    if (copy === null) return reject(`header ${name} has no value`);
    let decoded: string;
    try {
      decoded = typeof copy === 'string' ? copy : utf8.decode(copy);
    } catch {
      return reject(`header ${name} is not valid UTF-8`);
    }
    if (text !== undefined && decoded !== text)
      return reject(`header ${name} is repeated with different values`);
    text = decoded;
  }
  return { ok: true, text };
}

/**
 * CloudEvents binary mode (DESIGN.md): `ce_id` / `ce_time` fill in a missing
 * `eventId` / `occurredAt`. When the value has the field too, the value wins even if
 * the header differs: the value is the contract's payload and is what the producer
 * signs off on; headers are transport metadata that proxies may rewrite.
 * Other ce_* headers (ce_type, ce_source, …) are carried but not interpreted.
 */
function withCloudEventHeaders(
  obj: Record<string, unknown>,
  raw: RawRecord,
): { ok: true; obj: Record<string, unknown>; fromHeader: ReadonlySet<string> } | Rejection {
  let result = obj;
  let fromHeader: Set<string> | undefined;
  for (const field of Object.keys(CE_HEADERS) as CeField[]) {
    if (obj[field] !== undefined && obj[field] !== null) continue;
    const header = headerText(raw, CE_HEADERS[field]);
    if (!header.ok) return header;
    if (header.text === undefined) continue;
    if (result === obj) result = { ...obj };
    result[field] = header.text;
    (fromHeader ??= new Set()).add(field);
  }
  return { ok: true, obj: result, fromHeader: fromHeader ?? NONE };
}

function validated<T extends object>(
  cls: DtoClass<T>,
  obj: Record<string, unknown>,
  fromHeader: ReadonlySet<string> = NONE,
): { ok: true; dto: T } | Rejection {
  const result = validateDto(cls, obj);
  if (result.ok) return { ok: true, dto: result.value };
  const problems = result.problems.map((p) =>
    fromHeader.has(p.field)
      ? { ...p, field: `${p.field} (from header ${CE_HEADERS[p.field as CeField]})` }
      : p,
  );
  return reject(describeProblems(problems));
}

/** The contract makes the record key the tenantId; a different key means a misrouted or forged record. */
function checkKey(raw: RawRecord, tenantId: string): string | undefined {
  // An empty key is treated as no key: some clients cannot tell the two apart.
  if (raw.key === null || raw.key.length === 0) return undefined;
  const key = raw.key.toString('utf8');
  return key === tenantId ? undefined : 'record key differs from tenantId';
}

/**
 * The latest acceptable event time as an ISO string, cached while `now` and the skew
 * stay the same (a batch shares one ctx). Canonical ISO strings (4-digit years, UTC)
 * compare chronologically as plain strings, which spares a Date per record.
 */
let limitCache: { nowMs: number; skew: number; iso: string } | undefined;
function futureLimit(ctx: ParseContext): string {
  const nowMs = ctx.now.getTime();
  const c = limitCache;
  if (c !== undefined && c.nowMs === nowMs && c.skew === ctx.maxFutureSkewMs) return c.iso;
  const limitMs = Math.min(nowMs + ctx.maxFutureSkewMs, Date.parse('9999-12-31T23:59:59.999Z'));
  const iso = new Date(limitMs).toISOString();
  limitCache = { nowMs, skew: ctx.maxFutureSkewMs, iso };
  return iso;
}

/** Normalised time, or a rejection if it lies before MIN_OCCURRED_AT or beyond the allowed clock skew. */
function checkTime(field: string, text: string, ctx: ParseContext): { ok: true; iso: string } | Rejection {
  const iso = normaliseRfc3339(text);
  if (Date.parse(iso) < ctx.minOccurredAtMs) {
    return reject(
      `${field} is before the earliest accepted time ${new Date(ctx.minOccurredAtMs).toISOString()} (MIN_OCCURRED_AT)`,
    );
  }
  if (iso > futureLimit(ctx)) {
    return reject(
      `${field} is far in the future (more than ${ctx.maxFutureSkewMs} ms after ${ctx.now.toISOString()})`,
    );
  }
  return { ok: true, iso };
}

function sourceOf(raw: RawRecord): EntrySource {
  return { topic: raw.topic, partition: raw.partition, offset: raw.offset };
}

function subjectOf(subjectId: string | undefined): SubjectPart | null {
  return subjectId === undefined ? null : { subjectId };
}

/** A subjectId of the pseudonym form would pass for the ledger's pseudonym of another subject. */
function checkSubjectId(subjectId: string | undefined): Rejection | undefined {
  if (subjectId === undefined || !isPseudonym(subjectId)) return undefined;
  // The value is personal data: the reason names its form, never the value.
  return reject("subjectId: the form sp_ + 26 base32 characters is reserved for the ledger's pseudonyms");
}

function entry<T extends EntryType>(
  type: T,
  dto: LifecycleEventDto,
  occurredAt: string,
  data: EntryDataByType[T],
  subject: SubjectPart | null,
  raw: RawRecord,
): { ok: true; entry: NewEntry } {
  const e: NewEntry<T> = {
    eventId: dto.eventId,
    tenantId: dto.tenantId,
    type,
    occurredAt,
    data,
    subject,
    source: sourceOf(raw),
  };
  return { ok: true, entry: e };
}

/** Checks shared by every lifecycle event once its schema is valid. */
function checkEnvelope(
  dto: LifecycleEventDto & { subjectId?: string },
  raw: RawRecord,
  ctx: ParseContext,
): { ok: true; iso: string } | Rejection {
  const keyProblem = checkKey(raw, dto.tenantId);
  if (keyProblem !== undefined) return reject(keyProblem);
  const subjectProblem = checkSubjectId(dto.subjectId);
  if (subjectProblem !== undefined) return subjectProblem;
  const reserved = reservedEventIdPrefix(dto.eventId);
  if (reserved !== undefined) {
    return reject(`eventId: the prefix "${reserved}" is reserved for entries the system writes`);
  }
  return checkTime('occurredAt', dto.occurredAt, ctx);
}

function checkKnown(
  kind: 'category' | 'region',
  value: string,
  known: ReadonlySet<string>,
): string | undefined {
  if (known.has(value)) return undefined;
  return `unknown ${kind} (${kind === 'category' ? 'known' : 'configured'}: ${listOf(known)})`;
}

function parseLifecycle(
  name: LifecycleTopic,
  input: Record<string, unknown>,
  raw: RawRecord,
  ctx: ParseContext,
): ParseResult {
  const event = lifecycleObject(input, raw);
  if (!event.ok) return event;
  /** Validates the record as `cls`, checks its envelope, then lets `build` make the entry. */
  const as = <D extends LifecycleEventDto & { subjectId?: string }>(
    cls: DtoClass<D>,
    build: (d: D, occurredAt: string) => ParseResult,
  ): ParseResult => {
    const v = validated(cls, event.obj, event.fromHeader);
    if (!v.ok) return v;
    const env = checkEnvelope(v.dto, raw, ctx);
    return env.ok ? build(v.dto, env.iso) : env;
  };
  // Each case copies exactly the fields of EntryDataByType: producers' extra fields never
  // reach the ledger, and optional fields are left out rather than set to undefined.
  switch (name) {
    case 'data-created':
      return as(DataCreatedDto, (d, at) => {
        const unknown =
          checkKnown('category', d.category, ctx.categories) ?? checkKnown('region', d.region, ctx.regions);
        if (unknown !== undefined) return reject(unknown);
        const data = { dataId: d.dataId, category: d.category, region: d.region, store: d.store };
        return entry('DataCreated', d, at, data, subjectOf(d.subjectId), raw);
      });
    case 'data-deleted':
      return as(DataDeletedDto, (d, at) =>
        entry('DataDeleted', d, at, { dataId: d.dataId, deletedBy: d.deletedBy }, null, raw),
      );
    case 'user-deleted':
      return as(UserDeletedDto, (d, at) =>
        entry('UserDeleted', d, at, { deletedBy: d.deletedBy }, { subjectId: d.subjectId }, raw),
      );
    case 'subscription-ended':
      return as(SubscriptionEndedDto, (d, at) =>
        entry('SubscriptionEnded', d, at, d.expedite === true ? { expedite: true } : {}, null, raw),
      );
    case 'subscription-reactivated':
      return as(SubscriptionReactivatedDto, (d, at) =>
        entry('SubscriptionReactivated', d, at, {}, null, raw),
      );
    case 'data-restored':
      return as(DataRestoredDto, (d, at) => entry('DataRestored', d, at, { dataId: d.dataId }, null, raw));
    case 'user-restored':
      return as(UserRestoredDto, (d, at) =>
        entry('UserRestored', d, at, {}, { subjectId: d.subjectId }, raw),
      );
    case 'legal-hold':
      return as(LegalHoldDto, (d, at) => legalHoldEntry(d, at, raw, ctx));
  }
}

/** The event a lifecycle record carries: the CloudEvent's data in structured mode, else the value itself with the binary-mode headers. */
function lifecycleObject(
  input: Record<string, unknown>,
  raw: RawRecord,
): { ok: true; obj: Record<string, unknown>; fromHeader: ReadonlySet<string> } | Rejection {
  // CloudEvents structured mode: the event is the CloudEvent's data (cloudevents/structured.ts).
  const contentType = headerText(raw, 'content-type');
  if (!contentType.ok) return contentType;
  const ce = unwrapStructured(input, contentType.text);
  if (!ce.ok) return ce;
  return ce.structured ? { ok: true, obj: ce.obj, fromHeader: NONE } : withCloudEventHeaders(input, raw);
}

function legalHoldEntry(d: LegalHoldDto, occurredAt: string, raw: RawRecord, ctx: ParseContext): ParseResult {
  const context = {
    ...(d.reason === undefined ? {} : { reason: d.reason }),
    ...(d.caseRef === undefined ? {} : { caseRef: d.caseRef }),
    ...(d.placedBy === undefined ? {} : { placedBy: d.placedBy }),
  };
  // A release ends every placement of its holdId: a scope on it changes nothing (contract v1 allowed subjectId).
  if (d.action === 'released')
    return entry(
      'LegalHoldReleased',
      d,
      occurredAt,
      { holdId: d.holdId, ...context },
      subjectOf(d.subjectId),
      raw,
    );
  if (d.category !== undefined) {
    const unknown = checkKnown('category', d.category, ctx.categories);
    if (unknown !== undefined) return reject(unknown);
  }
  const scope = {
    ...(d.dataId === undefined ? {} : { dataId: d.dataId }),
    ...(d.category === undefined ? {} : { category: d.category }),
  };
  const data = { holdId: d.holdId, ...scope, ...context };
  return entry('LegalHoldPlaced', d, occurredAt, data, subjectOf(d.subjectId), raw);
}

/**
 * Receipts carry no eventId or occurredAt; both are derived so that a redelivered
 * receipt is the same ledger entry (idempotent), and a store that reports a failure
 * and later a success yields two distinct entries.
 */
function parseReceipt(
  topicRegion: string,
  obj: Record<string, unknown>,
  raw: RawRecord,
  ctx: ParseContext,
): ParseResult {
  const v = validated(DeletionReceiptDto, obj);
  if (!v.ok) return v;
  const r = v.dto;
  const keyProblem = checkKey(raw, r.tenantId);
  if (keyProblem !== undefined) return reject(keyProblem);
  const unknownRegion = checkKnown('region', r.region, ctx.regions);
  if (unknownRegion !== undefined) return reject(unknownRegion);
  // Residency (DESIGN.md semantics 7): a store may speak only for its own region.
  if (r.region !== topicRegion) {
    return reject(`receipt region does not match region ${topicRegion} of topic ${raw.topic}`);
  }
  const time = checkTime('completedAt', r.completedAt, ctx);
  if (!time.ok) return time;
  const completedAt = time.iso;
  const eventId = receiptEventId(r.commandId, r.status, completedAt);
  const source = sourceOf(raw);
  if (r.status === 'completed') {
    const data: EntryDataByType['DeletionConfirmed'] = {
      commandId: r.commandId,
      region: r.region,
      store: r.store,
      completedAt,
    };
    if (r.deletedCount !== undefined) data.deletedCount = r.deletedCount;
    const e: NewEntry<'DeletionConfirmed'> = {
      eventId,
      tenantId: r.tenantId,
      type: 'DeletionConfirmed',
      occurredAt: completedAt,
      data,
      subject: null,
      source,
    };
    return { ok: true, entry: e };
  }
  // A failed receipt's deletedCount (and a completed one's error) has no place in the entry types.
  const data: EntryDataByType['DeletionFailed'] = {
    commandId: r.commandId,
    region: r.region,
    store: r.store,
    completedAt,
  };
  // Free text from a store's exception: sanitised, not refused, so the failure is recorded (see sanitiseFreeText).
  if (r.error !== undefined) data.error = sanitiseFreeText(r.error);
  const e: NewEntry<'DeletionFailed'> = {
    eventId,
    tenantId: r.tenantId,
    type: 'DeletionFailed',
    occurredAt: completedAt,
    data,
    subject: null,
    source,
  };
  return { ok: true, entry: e };
}

/**
 * Turns one raw Kafka record into a ledger entry, or into a rejection whose reason
 * goes to the dead-letter topic with the original bytes (DESIGN.md semantics 8).
 * Pure: reads no clock (`ctx.now` instead); its only state is a memo of the future
 * limit. Total over records: no record makes it throw (only a ctx with an invalid
 * `now` would).
 * Checks run cheapest first: topic, size, UTF-8, JSON, schema, key, then the
 * configuration-dependent ones (categories, regions, residency, clock skew).
 */
export function parseRecord(raw: RawRecord, ctx: ParseContext): ParseResult {
  const topic = ctx.topics.classify(raw.topic);
  if (topic === undefined) return reject(`topic ${JSON.stringify(raw.topic)} is not a contract topic`);
  if (topic.kind === 'receipts' && !ctx.regions.has(topic.region)) {
    return reject(
      `unknown region in topic ${JSON.stringify(raw.topic)} (configured: ${listOf(ctx.regions)})`,
    );
  }
  const decoded = decodeObject(raw, ctx);
  if (!decoded.ok) return decoded;
  return topic.kind === 'lifecycle'
    ? parseLifecycle(topic.name, decoded.obj, raw, ctx)
    : parseReceipt(topic.region, decoded.obj, raw, ctx);
}
