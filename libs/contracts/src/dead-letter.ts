import type { HeaderValue, RawRecord } from './raw-record';

export type BytesEncoding = 'utf8' | 'base64';

/**
 * A header that was valid UTF-8 is kept as its text; anything else as base64 with this
 * marker; a header sent without a value (legal in Kafka) as null.
 */
export type DeadLetterHeaderValue = string | null | { encoding: 'base64'; value: string };

/**
 * The value of a `lifecycle-dead-letter` record (DESIGN.md "Public contract v1").
 * Everything needed to inspect the rejection and, unless `truncated`, to re-drive the
 * original record byte for byte: see `originalRecord`.
 */
export interface DeadLetterValue {
  /** The original value: its text if valid UTF-8, else base64; null when the record had none. A prefix when `truncated`. */
  value: string | null;
  valueEncoding: BytesEncoding;
  key: string | null;
  keyEncoding: BytesEncoding;
  /** Repeated headers stay arrays; headers with an undefined value (none on the wire) are left out. */
  headers: Record<string, DeadLetterHeaderValue | DeadLetterHeaderValue[]>;
  topic: string;
  partition: number;
  offset: string;
  reason: string;
  /** RFC 3339, UTC. */
  rejectedAt: string;
  /** Bytes of the original value (null when it had none), whether or not it was truncated. */
  originalSize: number | null;
  /** SHA-256 (hex) of the full original value bytes; null when it had none. */
  originalSha256: string | null;
  /**
   * True when something was cut so that the dead letter fits the broker: the value to a
   * prefix, the key to its first KEY_MAX_BYTES, or headers beyond HEADERS_MAX_BYTES. A
   * truncated dead letter describes the record but cannot re-drive it.
   */
  truncated: boolean;
}

/**
 * A dead letter's value is at most this many bytes: half of Apache Kafka's default
 * `message.max.bytes` (1 MiB), so one always fits a stock broker with its record overhead.
 * JSON escaping can grow a value six-fold (a control character becomes `\u0001`), which is
 * why the original is not simply copied.
 */
export const DEAD_LETTER_MAX_BYTES = 512 * 1024;
/** Keys are tenant ids (at most 64 characters); a longer one is kept only this far. */
export const KEY_MAX_BYTES = 1024;
/** Encoded headers beyond this budget are left out; a single header value is cut to HEADER_VALUE_MAX_BYTES. */
export const HEADERS_MAX_BYTES = 32 * 1024;
export const HEADER_VALUE_MAX_BYTES = 4096;
/** Reasons quote no input (parse-record.ts); this bounds what a longer list of field problems might add. */
export const REASON_MAX_CHARS = 2000;

/**
 * Strict decoding with the BOM kept: a string is used only if re-encoding it gives
 * back exactly the same bytes. (The default decoder drops a leading BOM, which would
 * silently lose three bytes.)
 */
const exactUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

function encodeBytes(bytes: Buffer): { text: string; encoding: BytesEncoding } {
  try {
    return { text: exactUtf8.decode(bytes), encoding: 'utf8' };
  } catch {
    return { text: bytes.toString('base64'), encoding: 'base64' };
  }
}

/** The first `n` bytes or fewer, not cutting a UTF-8 sequence (so valid text stays valid text). */
function prefix(bytes: Buffer, n: number): Buffer {
  let end = Math.min(n, bytes.length);
  if (end < bytes.length) while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end);
}

/** Bytes a string takes once JSON-encoded. */
function jsonBytes(text: string): number {
  return Buffer.byteLength(JSON.stringify(text));
}

/** The longest prefix whose encoding takes at most `budget` JSON bytes. */
function fitting(bytes: Buffer, budget: number): { text: string; encoding: BytesEncoding; cut: boolean } {
  let n = Math.min(bytes.length, budget);
  for (;;) {
    const part = prefix(bytes, n);
    const enc = encodeBytes(part);
    const size = jsonBytes(enc.text);
    if (size <= budget || n === 0) return { ...enc, cut: part.length < bytes.length };
    n = Math.floor((n * budget) / size) - 8;
    if (n < 0) n = 0;
  }
}

function asBuffer(value: Buffer | string): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
}

function encodeHeader(value: HeaderValue): { header: DeadLetterHeaderValue; cut: boolean } {
  if (value === null) return { header: null, cut: false };
  const { text, encoding, cut } = fitting(asBuffer(value), HEADER_VALUE_MAX_BYTES);
  return { header: encoding === 'utf8' ? text : { encoding: 'base64', value: text }, cut };
}

function encodeHeaders(raw: RawRecord['headers']): { headers: DeadLetterValue['headers']; cut: boolean } {
  let cut = false;
  let budget = HEADERS_MAX_BYTES;
  const entries: Array<[string, DeadLetterHeaderValue | DeadLetterHeaderValue[]]> = [];
  for (const [name, header] of Object.entries(raw)) {
    if (header === undefined) continue;
    const copies = (Array.isArray(header) ? header : [header]).map(encodeHeader);
    const value = Array.isArray(header) ? copies.map((c) => c.header) : copies[0].header;
    const size = jsonBytes(name) + Buffer.byteLength(JSON.stringify(value));
    if (size > budget) {
      cut = true;
      continue;
    }
    budget -= size;
    if (copies.some((c) => c.cut)) cut = true;
    entries.push([name, value]);
  }
  // fromEntries defines own properties, so even a header named `__proto__` survives.
  return { headers: Object.fromEntries(entries), cut };
}

/**
 * Builds the dead-letter value for a rejected record, at most DEAD_LETTER_MAX_BYTES once
 * JSON-encoded whatever the record holds. Pure: the caller supplies the clock and SHA-256
 * (hex) — contracts do no IO and import no Node modules.
 */
export function deadLetterValue(
  raw: RawRecord,
  reason: string,
  rejectedAt: Date,
  sha256: (bytes: Buffer) => string,
): DeadLetterValue {
  const key = raw.key === null ? null : fitting(raw.key, KEY_MAX_BYTES);
  const { headers, cut: headersCut } = encodeHeaders(raw.headers);
  const letter: DeadLetterValue = {
    value: null,
    valueEncoding: 'utf8',
    key: key?.text ?? null,
    keyEncoding: key?.encoding ?? 'utf8',
    headers,
    topic: raw.topic,
    partition: raw.partition,
    offset: raw.offset,
    reason: reason.length > REASON_MAX_CHARS ? reason.slice(0, REASON_MAX_CHARS - 1) + '…' : reason,
    rejectedAt: rejectedAt.toISOString(),
    originalSize: raw.value === null ? null : raw.value.length,
    originalSha256: raw.value === null ? null : sha256(raw.value),
    truncated: headersCut || key?.cut === true,
  };
  if (raw.value === null) return letter;
  // What is left of the budget once everything but the value is encoded (`null` stands for it).
  const budget = DEAD_LETTER_MAX_BYTES - Buffer.byteLength(JSON.stringify(letter)) + 4;
  const value = fitting(raw.value, budget);
  letter.value = value.text;
  letter.valueEncoding = value.encoding;
  letter.truncated ||= value.cut;
  return letter;
}

function decodeBytes(text: string | null, encoding: BytesEncoding): Buffer | null {
  return text === null ? null : Buffer.from(text, encoding);
}

function decodeHeader(value: DeadLetterHeaderValue): Buffer | null {
  if (value === null) return null;
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value.value, 'base64');
}

/** The inverse of `deadLetterValue` for a dead letter that is not `truncated`: the original record's bytes. */
export function originalRecord(dead: DeadLetterValue): RawRecord {
  const headers: RawRecord['headers'] = Object.fromEntries(
    Object.entries(dead.headers).map(([name, header]) => [
      name,
      Array.isArray(header) ? header.map(decodeHeader) : decodeHeader(header),
    ]),
  );
  return {
    topic: dead.topic,
    partition: dead.partition,
    offset: dead.offset,
    key: decodeBytes(dead.key, dead.keyEncoding),
    value: decodeBytes(dead.value, dead.valueEncoding),
    headers,
  };
}
