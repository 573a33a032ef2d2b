import { describe, expect, it } from 'vitest';
import { blocksFor, visibleRows } from './viewport';

describe('visibleRows', () => {
  it.each([
    { name: 'empty table', v: { scrollTop: 0, height: 500, rowHeight: 24, total: 0 }, want: [0, 0] },
    { name: 'top', v: { scrollTop: 0, height: 240, rowHeight: 24, total: 1000 }, want: [0, 21] },
    {
      name: 'middle',
      v: { scrollTop: 2400, height: 240, rowHeight: 24, total: 1000 },
      want: [90, 121],
    },
    {
      name: 'bottom is clamped',
      v: { scrollTop: 23760, height: 240, rowHeight: 24, total: 1000 },
      want: [980, 1000],
    },
    {
      name: 'no overscan',
      v: { scrollTop: 48, height: 48, rowHeight: 24, total: 10, overscan: 0 },
      want: [2, 5],
    },
  ])('$name', ({ v, want }) => {
    const r = visibleRows(v);
    expect([r.first, r.end]).toEqual(want);
  });
});

describe('blocksFor', () => {
  it.each([
    { first: 0, end: 0, want: [] },
    { first: 0, end: 50, want: [0] },
    { first: 190, end: 210, want: [0, 1] },
    { first: 200, end: 400, want: [1] },
    { first: 399, end: 601, want: [1, 2, 3] },
  ])('[$first, $end) -> $want', ({ first, end, want }) => {
    expect(blocksFor({ first, end })).toEqual(want);
  });
});
