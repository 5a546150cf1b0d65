import type { RawRecord } from '@app/contracts';
import { DeadLetteredRecords } from './dead-lettered';

const rec = (topic: string, partition: number, offset: number): RawRecord => ({
  topic,
  partition,
  offset: String(offset),
  key: null,
  value: null,
  headers: {},
});

describe('DeadLetteredRecords', () => {
  it('knows a record by its coordinates: topic, partition and offset', () => {
    const seen = new DeadLetteredRecords();
    seen.add([rec('a', 0, 7)]);
    expect(seen.has(rec('a', 0, 7))).toBe(true);
    for (const other of [rec('a', 0, 8), rec('a', 1, 7), rec('b', 0, 7), rec('a\u00000', 7, 0)]) {
      expect(seen.has(other)).toBe(false);
    }
  });

  it('keeps the latest records up to its bound, a record added again counting as latest', () => {
    const seen = new DeadLetteredRecords(3);
    seen.add([rec('t', 0, 1), rec('t', 0, 2), rec('t', 0, 3)]);
    seen.add([rec('t', 0, 1)]);
    seen.add([rec('t', 0, 4)]);
    expect(seen.size).toBe(3);
    expect([1, 2, 3, 4].map((o) => seen.has(rec('t', 0, o)))).toEqual([true, false, true, true]);
  });
});
