/**
 * RFC 3339 timestamps, the one module for them: checking what producers send
 * (`checkRfc3339`), normalising it to the ledger's form (`normaliseRfc3339`), and
 * reading and printing that form fast (`parseInstant`, `formatInstant`) for the
 * domain's fold. The API, the CLI, the configuration and the domain use it.
 *
 * The contract requires a full date, a time and an explicit offset (`Z` or
 * `±hh:mm`). Dates without an offset are rejected because their instant depends on
 * the reader's time zone, which a ledger that promises deadlines cannot accept.
 * `Date.parse` alone is not enough: it rolls impossible dates over (`2024-02-30`
 * becomes 1 March), so the parts are checked here first.
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

// Instants as epoch milliseconds, and back to the ledger's text, fast.
//
// The ledger normalises every time to `toISOString()` form
// (`2025-01-01T00:00:00.000Z`); the domain's fold parses several per entry and
// its derivation prints several per obligation, so both have a fast path for that
// form (plain arithmetic on the civil calendar) and fall back to `Date` for
// anything else. Neither reads the clock. `rfc3339-instants.spec.ts` checks both
// against `Date` on random instants.

const DAY = 86_400_000;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** Digits at [from, from + count) as a number, or -1 if any is not a digit. */
function digits(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    value = value * 10 + c;
  }
  return value;
}

/** Epoch milliseconds of an RFC 3339 instant; NaN when it cannot be read. */
export function parseInstant(text: string): number {
  // Fast path: YYYY-MM-DDTHH:MM:SS.sssZ (what the ledger stores).
  if (
    text.length === 24 &&
    text.charCodeAt(4) === 45 && // -
    text.charCodeAt(7) === 45 &&
    text.charCodeAt(10) === 84 && // T
    text.charCodeAt(13) === 58 && // :
    text.charCodeAt(16) === 58 &&
    text.charCodeAt(19) === 46 && // .
    text.charCodeAt(23) === 90 // Z
  ) {
    const year = digits(text, 0, 4);
    const month = digits(text, 5, 2);
    const day = digits(text, 8, 2);
    const hour = digits(text, 11, 2);
    const minute = digits(text, 14, 2);
    const second = digits(text, 17, 2);
    const milli = digits(text, 20, 3);
    if (
      year >= 0 &&
      month >= 1 &&
      month <= 12 &&
      day >= 1 &&
      day <= daysInMonth(year, month) &&
      hour >= 0 &&
      hour <= 23 &&
      minute >= 0 &&
      minute <= 59 &&
      second >= 0 &&
      second <= 59 &&
      milli >= 0
    ) {
      return (
        daysFromCivil(year, month, day) * DAY + hour * 3_600_000 + minute * 60_000 + second * 1000 + milli
      );
    }
  }
  return Date.parse(text);
}

const TWO = Array.from({ length: 100 }, (_, i) => (i < 10 ? `0${i}` : `${i}`));
const THREE = Array.from({ length: 1000 }, (_, i) => `${i}`.padStart(3, '0'));

/** `YYYY-MM-DDT` per day number; bounded, since a projection touches a limited range of days at a time. */
const datePrefix = new Map<number, string>();
const MAX_CACHED_DAYS = 20_000;

/** The `toISOString()` text of an instant (epoch milliseconds). */
export function formatInstant(millis: number): string {
  const day = Math.floor(millis / DAY);
  // Outside years 1970-9999, or not an integer: let Date decide (and throw on NaN, as toISOString does).
  if (!(day >= 0 && day < 2_932_897) || !Number.isInteger(millis)) return new Date(millis).toISOString();
  let prefix = datePrefix.get(day);
  if (prefix === undefined) {
    prefix = new Date(day * DAY).toISOString().slice(0, 11);
    if (datePrefix.size >= MAX_CACHED_DAYS) datePrefix.clear();
    datePrefix.set(day, prefix);
  }
  let rest = millis - day * DAY;
  const hour = Math.floor(rest / 3_600_000);
  rest -= hour * 3_600_000;
  const minute = Math.floor(rest / 60_000);
  rest -= minute * 60_000;
  const second = Math.floor(rest / 1000);
  return `${prefix}${TWO[hour]}:${TWO[minute]}:${TWO[second]}.${THREE[rest - second * 1000]}Z`;
}
