/**
 * What V8's JSON.parse says about a syntax error, in phrases that hold none of the input.
 * Its other messages quote the input (`Unexpected token 'a', "alice@exa"... is not valid
 * JSON`), and a reason travels where the record's bytes do not (headers, logs, metrics):
 * those become "unexpected character", as does any message a later V8 may word differently.
 */
const SAFE_PHRASES = [
  'Unexpected end of JSON input',
  'Unterminated string',
  'Unterminated fractional number',
  'Unexpected non-whitespace character after JSON',
  "Expected property name or '}'",
  'Expected double-quoted property name',
  "Expected ':' after property name",
  "Expected ',' or '}' after property value",
  "Expected ',' or ']' after array element",
  'Bad control character in string literal',
  'Bad escaped character',
  'Bad Unicode escape',
  'No number after minus sign',
  'Exponent part is missing a number',
  'Unexpected number',
  'Unexpected string',
] as const;

/** `malformed JSON: <what> [at position N]`: the parser's finding without a byte of the input. */
export function jsonSyntaxReason(error: unknown): string {
  if (!(error instanceof SyntaxError)) return 'malformed JSON: the parser gave up (nested too deep?)';
  const message = error.message;
  const phrase = SAFE_PHRASES.find((p) => message.startsWith(p)) ?? 'unexpected character';
  const position = /\bat position (\d+)/.exec(message)?.[1];
  return `malformed JSON: ${phrase}${position === undefined ? '' : ` at position ${position}`}`;
}

export type JsonText = { ok: true; value: unknown } | { ok: false; reason: string };

/** JSON.parse for untrusted text: a syntax error becomes a reason that quotes nothing (jsonSyntaxReason). */
export function parseJsonText(text: string): JsonText {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, reason: jsonSyntaxReason(e) };
  }
}
