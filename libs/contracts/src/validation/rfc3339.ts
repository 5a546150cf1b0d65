/**
 * RFC 3339 timestamps as the contract requires them: a full date, a time and an
 * explicit offset (`Z` or `±hh:mm`). Dates without an offset are rejected because
 * their instant depends on the reader's time zone, which a ledger that promises
 * deadlines cannot accept. `Date.parse` alone is not enough: it rolls impossible
 * dates over (`2024-02-30` becomes 1 March), so the parts are checked here first.
 */
const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:[Zz]|[+-](\d{2}):(\d{2}))$/;

/** Longest accepted text: 35 chars for 9 fraction digits and an offset; more is not a timestamp. */
const MAX_LENGTH = 35;

/** The instants `toISOString()` renders as a plain 4-digit year, so normalised values stay RFC 3339. */
const MIN_MS = Date.parse('0000-01-01T00:00:00.000Z');
const MAX_MS = Date.parse('9999-12-31T23:59:59.999Z');

export const RFC3339_FORMAT_MESSAGE =
  'must be an RFC 3339 timestamp with an explicit offset or Z (e.g. 2024-05-01T12:00:00Z)';

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Checks an RFC 3339 timestamp, or explains why it is not one. Sub-millisecond
 * digits are accepted (normalisation truncates them: the ledger stores milliseconds).
 * Leap seconds (`:60`) are rejected: JavaScript dates cannot represent them.
 */
export function checkRfc3339(text: string): { ok: true } | { ok: false; problem: string } {
  const m = text.length <= MAX_LENGTH ? RFC3339.exec(text) : null;
  if (m === null) return { ok: false, problem: RFC3339_FORMAT_MESSAGE };
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const impossible =
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month) ||
    Number(m[4]) > 23 ||
    Number(m[5]) > 59 ||
    Number(m[6]) > 59 ||
    (m[7] !== undefined && (Number(m[7]) > 23 || Number(m[8]) > 59));
  if (impossible) return { ok: false, problem: 'is not a real date and time' };
  // Only the first and last year can leave 0000-9999 once the offset is applied.
  if (year === 0 || year === 9999) {
    const ms = Date.parse(text.toUpperCase());
    if (!(ms >= MIN_MS && ms <= MAX_MS))
      return { ok: false, problem: 'is outside the years 0000-9999 in UTC' };
  }
  return { ok: true };
}

/** Already in the ledger's form (what `toISOString()` produces); most producers send exactly this. */
const CANONICAL = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** UTC but not canonical: only the fraction and the spelling of the offset need fixing. */
const UTC_FORM = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(?:[Zz]|[+-]00:00)$/;

/**
 * The ledger's form of a timestamp: UTC with milliseconds (sub-millisecond digits
 * are truncated, as `toISOString()` does). Only for values `checkRfc3339` accepted.
 * UTC input is rewritten as text: Date.parse plus toISOString would otherwise be the
 * most expensive step of parsing a record.
 */
export function normaliseRfc3339(text: string): string {
  if (CANONICAL.test(text)) return text;
  const utc = UTC_FORM.exec(text);
  if (utc !== null) return `${utc[1]}T${utc[2]}.${((utc[3] ?? '') + '000').slice(0, 3)}Z`;
  // Lower-case `t`/`z` are valid RFC 3339; upper-casing keeps Date.parse on its ISO path.
  return new Date(Date.parse(text.toUpperCase())).toISOString();
}
