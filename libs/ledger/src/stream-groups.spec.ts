import { rangePages } from './stream-groups';

describe('rangePages', () => {
  it('fills pages up to the size, in order, splitting a range longer than the room left', () => {
    const pages = rangePages(
      [
        { tenantId: 'a', from: 1, to: 3 },
        { tenantId: 'b', from: 1, to: 0 },
        { tenantId: 'c', from: 1, to: 6 },
      ],
      4,
    );
    expect(pages).toEqual([
      [
        { tenantId: 'a', from: 1, to: 3 },
        { tenantId: 'c', from: 1, to: 1 },
      ],
      [{ tenantId: 'c', from: 2, to: 5 }],
      [{ tenantId: 'c', from: 6, to: 6 }],
    ]);
  });

  it('gives no page for nothing to read', () => {
    expect(rangePages([], 10)).toEqual([]);
    expect(rangePages([{ tenantId: 'a', from: 1, to: 0 }], 10)).toEqual([]);
  });
});
