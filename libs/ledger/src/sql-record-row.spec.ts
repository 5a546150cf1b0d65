import { parseSequenceCursor } from './sql-record-row';

describe('SQL cursor', () => {
  it('is a decimal sequence; undefined means from the start', () => {
    expect(parseSequenceCursor(undefined)).toBe(0);
    expect(parseSequenceCursor('42')).toBe(42);
  });

  it('refuses anything else', () => {
    expect(() => parseSequenceCursor('4:2')).toThrow(/invalid ledger cursor/);
    expect(() => parseSequenceCursor('-1')).toThrow(/invalid ledger cursor/);
    expect(() => parseSequenceCursor('')).toThrow(/invalid ledger cursor/);
  });
});
