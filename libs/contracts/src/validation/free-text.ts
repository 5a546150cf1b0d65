/* eslint-disable no-control-regex -- control characters are exactly what these patterns find */
/*
 * Lone surrogates (unencodable as UTF-8: a store would replace them and the hash would no
 * longer match), control characters other than tab and newline (NUL cannot be stored in
 * PostgreSQL TEXT), and bidirectional overrides/isolates (which make text display other
 * than it reads, "Trojan Source").
 */
const UNSAFE =
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Free text (a failed receipt's `error`) as the ledger stores it: every character above
 * replaced by U+FFFD. Deterministic, so a redelivered receipt is still the same entry.
 * Free text is sanitised rather than refused because refusing it would drop the fact it
 * carries (a deletion failed); identifiers are refused instead (see field-rules).
 */
export function sanitiseFreeText(text: string): string {
  return text.replace(UNSAFE, '\ufffd');
}
