import type { RawRecord } from './raw-record';

export type BytesEncoding = 'utf8' | 'base64';

/** A header that was valid UTF-8 is kept as its text; anything else as base64 with this marker. */
export type DeadLetterHeaderValue = string | { encoding: 'base64'; value: string };

/**
 * The value of a `lifecycle-dead-letter` record (DESIGN.md "Public contract v1").
 * Everything needed to inspect the rejection and to re-drive the original record
 * byte for byte: see `originalRecord`.
 */
export interface DeadLetterValue {
  /** The original value: its text if valid UTF-8, else base64; null when the record had none. */
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
}

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

function encodeHeader(value: Buffer | string): DeadLetterHeaderValue {
  if (typeof value === 'string') return value;
  const { text, encoding } = encodeBytes(value);
  return encoding === 'utf8' ? text : { encoding: 'base64', value: text };
}

/** Builds the dead-letter value for a rejected record. Pure: the caller supplies the clock. */
export function deadLetterValue(raw: RawRecord, reason: string, rejectedAt: Date): DeadLetterValue {
  const value = raw.value === null ? null : encodeBytes(raw.value);
  const key = raw.key === null ? null : encodeBytes(raw.key);
  // fromEntries defines own properties, so even a header named `__proto__` survives.
  const headers: DeadLetterValue['headers'] = Object.fromEntries(
    Object.entries(raw.headers).flatMap(([name, header]) =>
      header === undefined
        ? []
        : [[name, Array.isArray(header) ? header.map(encodeHeader) : encodeHeader(header)]],
    ),
  );
  return {
    value: value?.text ?? null,
    valueEncoding: value?.encoding ?? 'utf8',
    key: key?.text ?? null,
    keyEncoding: key?.encoding ?? 'utf8',
    headers,
    topic: raw.topic,
    partition: raw.partition,
    offset: raw.offset,
    reason,
    rejectedAt: rejectedAt.toISOString(),
  };
}

function decodeBytes(text: string | null, encoding: BytesEncoding): Buffer | null {
  return text === null ? null : Buffer.from(text, encoding);
}

function decodeHeader(value: DeadLetterHeaderValue): Buffer {
  return typeof value === 'string' ? Buffer.from(value, 'utf8') : Buffer.from(value.value, 'base64');
}

/** The inverse of `deadLetterValue`: the original record's bytes, for inspection or re-driving. */
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
