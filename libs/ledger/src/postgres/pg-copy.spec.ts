import { copyRow, copyValue } from './pg-copy';

describe('COPY text format', () => {
  it('escapes backslash, newline, carriage return and tab, and writes null as \\N', () => {
    expect(copyValue('a\\b\nc\rd\te')).toBe('a\\\\b\\nc\\rd\\te');
    expect(copyValue('\\N')).toBe('\\\\N');
    expect(copyValue(null)).toBe('\\N');
    expect(copyValue(42)).toBe('42');
  });

  it('leaves every other character as it is', () => {
    const text = 'plain é😀 "quoted" \u0001\u001f {"a":[1]}';
    expect(copyValue(text)).toBe(text);
  });

  it('joins a row with tabs and ends it with a newline', () => {
    expect(copyRow([1, 'x\ty', null])).toBe('1\tx\\ty\t\\N\n');
  });
});
