import { streamIdRanges } from './sqlite-stream-groups';

describe('streamIdRanges', () => {
  it('cuts streams in id order into ranges of about the given entries, the last open-ended', () => {
    const sizes: Array<[number, number]> = [
      [1, 3],
      [2, 4],
      [4, 10],
      [5, 1],
      [9, 2],
    ];
    expect(streamIdRanges(sizes, 5)).toEqual([
      [0, 2],
      [3, 4],
      [5, Number.MAX_SAFE_INTEGER],
    ]);
    // A stream larger than a group is a group of its own.
    expect(streamIdRanges(sizes, 1)).toEqual([
      [0, 1],
      [2, 2],
      [3, 4],
      [5, 5],
      [6, 9],
      [10, Number.MAX_SAFE_INTEGER],
    ]);
    expect(streamIdRanges(sizes, 1000)).toEqual([[0, Number.MAX_SAFE_INTEGER]]);
    expect(streamIdRanges([], 1000)).toEqual([[0, Number.MAX_SAFE_INTEGER]]);
  });
});
