import { encodeEsdbCursor, parseEsdbCursor } from './esdb-cursor';

describe('EventStoreDB cursor', () => {
  it('round-trips commit:prepare, beyond 2^53', () => {
    const position = { commit: 123456789012345678n, prepare: 123456789012345670n };
    expect(encodeEsdbCursor(position)).toBe('123456789012345678:123456789012345670');
    expect(parseEsdbCursor(encodeEsdbCursor(position))).toEqual(position);
  });

  it('refuses anything else', () => {
    expect(() => parseEsdbCursor('12')).toThrow(/commit:prepare/);
    expect(() => parseEsdbCursor('1:2:3')).toThrow(/commit:prepare/);
  });
});
