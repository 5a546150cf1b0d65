import { parseRecord, ParseContext, ParseResult, RawRecord } from '@app/contracts';

/**
 * parseRecord is pure, so anything it throws is a defect met on some input (the fuzz
 * campaign found one: a 5 000-deep object overflowed class-transformer's stack). Such a
 * record is dead-lettered on its own, never allowed to fail its batch and redeliver
 * forever. The reason names the error's kind only: its message may quote the input.
 */
export function parseSafely(
  record: RawRecord,
  ctx: ParseContext,
  parse: (r: RawRecord, c: ParseContext) => ParseResult = parseRecord,
): ParseResult {
  try {
    return parse(record, ctx);
  } catch (err) {
    const kind = err instanceof Error ? err.name : typeof err;
    return { ok: false, reason: `the record could not be parsed (${kind} in the parser)` };
  }
}
