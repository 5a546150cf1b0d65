import { jsonSyntaxReason, parseJsonText } from './json-text';

describe('parseJsonText', () => {
  it.each([
    ['{"a":"x', 'malformed JSON: Unterminated string at position 7'],
    ['{"a":1} x', 'malformed JSON: Unexpected non-whitespace character after JSON at position 8'],
    ['{"a":1 "b":2}', "malformed JSON: Expected ',' or '}' after property value at position 7"],
    ['', 'malformed JSON: Unexpected end of JSON input'],
    // V8 quotes the input in these two: only the kind of finding is kept.
    ['alice@example.com', 'malformed JSON: unexpected character'],
    ['{"subjectId":alice@example.com}', 'malformed JSON: unexpected character'],
  ])('%j: %s', (text, reason) => {
    expect(parseJsonText(text)).toEqual({ ok: false, reason });
  });

  it('parses what is JSON', () => {
    expect(parseJsonText('{"a":[1]}')).toEqual({ ok: true, value: { a: [1] } });
  });

  it('a message worded in a way it does not know becomes "unexpected character", whatever it quotes', () => {
    expect(jsonSyntaxReason(new SyntaxError('Weird "alice@example.com" at position 3'))).toBe(
      'malformed JSON: unexpected character at position 3',
    );
    expect(jsonSyntaxReason(new RangeError('Maximum call stack size exceeded'))).toBe(
      'malformed JSON: the parser gave up (nested too deep?)',
    );
  });
});
