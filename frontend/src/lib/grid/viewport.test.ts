import { describe, expect, it } from 'vitest';
import {
  MAX_SCROLL_HEIGHT,
  blocksFor,
  contentTop,
  revealRow,
  rowTop,
  scrollScale,
  visibleRows,
  widen,
} from './viewport';

describe('visibleRows', () => {
  it.each([
    { name: 'empty table', v: { scrollTop: 0, height: 500, rowHeight: 24, total: 0 }, want: [0, 0] },
    { name: 'top', v: { scrollTop: 0, height: 240, rowHeight: 24, total: 1000 }, want: [0, 14] },
    {
      name: 'middle',
      v: { scrollTop: 2400, height: 240, rowHeight: 24, total: 1000 },
      want: [97, 114],
    },
    {
      name: 'bottom is clamped',
      v: { scrollTop: 23760, height: 240, rowHeight: 24, total: 1000 },
      want: [987, 1000],
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

describe('scrollScale', () => {
  it.each([
    { name: 'no rows', total: 0, want: { height: 0, ratio: 1 } },
    { name: '1,000 rows', total: 1000, want: { height: 28000, ratio: 1 } },
    { name: '1,000,000 rows fit under the cap', total: 1_000_000, want: { height: 28_000_000, ratio: 1 } },
    { name: 'exactly the cap', total: 1000, cap: 28000, want: { height: 28000, ratio: 1 } },
  ])('$name', ({ total, cap, want }) => {
    expect(scrollScale(total, 28, 600, cap ?? 30_000_000)).toEqual(want);
  });

  it('caps the default at 15,000,000 px, under the ~33,554,432 px browsers allow', () => {
    expect(MAX_SCROLL_HEIGHT).toBe(15_000_000);
    expect(scrollScale(1_000_000, 28, 600).height).toBe(15_000_000);
    expect(scrollScale(500_000, 28, 600)).toEqual({ height: 14_000_000, ratio: 1 });
  });

  it('scaled, the first and last rows are reached at the two ends of the scroll area', () => {
    const total = 10_000_000;
    const view = 600;
    const s = scrollScale(total, 28, view);
    expect(s.height).toBe(MAX_SCROLL_HEIGHT);
    expect(s.ratio).toBeCloseTo((total * 28 - view) / (MAX_SCROLL_HEIGHT - view), 9);

    expect(contentTop(0, s)).toBe(0);
    const end = s.height - view; // the largest scrollTop
    expect(contentTop(end, s)).toBeCloseTo(total * 28 - view, 3);
    const r = visibleRows({ scrollTop: contentTop(end, s), height: view, rowHeight: 28, total, overscan: 0 });
    expect(r.end).toBe(total);
    // The last row's bottom is the viewport's bottom.
    expect(rowTop(total - 1, end, s, 28) + 28).toBeCloseTo(end + view, 3);
  });

  it('scaled, the visible rows sit in the viewport, one after another', () => {
    const s = scrollScale(5_000_000, 28, 600);
    const scrollTop = 7_654_321;
    const first = Math.floor(contentTop(scrollTop, s) / 28);
    const top = rowTop(first, scrollTop, s, 28);
    expect(top).toBeLessThanOrEqual(scrollTop);
    expect(top).toBeGreaterThan(scrollTop - 28);
    expect(rowTop(first + 1, scrollTop, s, 28) - top).toBeCloseTo(28, 6);
  });

  it('unscaled, a row sits at i * rowHeight wherever the area is scrolled', () => {
    const s = scrollScale(1000, 28, 600);
    expect(rowTop(10, 0, s, 28)).toBe(280);
    expect(rowTop(10, 5000, s, 28)).toBe(280);
    expect(contentTop(-5, s)).toBe(0);
  });
});

describe('widen', () => {
  it.each([
    { r: { first: 0, end: 0 }, want: { first: 0, end: 0 } },
    { r: { first: 10, end: 40 }, want: { first: 0, end: 90 } },
    { r: { first: 500, end: 540 }, want: { first: 450, end: 590 } },
    { r: { first: 970, end: 1000 }, want: { first: 920, end: 1000 } },
  ])('$r -> $want', ({ r, want }) => {
    expect(widen(r, 50, 1000)).toEqual(want);
  });
});

describe('revealRow', () => {
  const s = scrollScale(1000, 28, 280);
  it.each([
    { name: 'in view stays', i: 5, top: 0, want: 0 },
    { name: 'below scrolls to its bottom edge', i: 20, top: 0, want: 21 * 28 - 280 },
    { name: 'above scrolls to its top', i: 3, top: 280, want: 84 },
    { name: 'the first row', i: 0, top: 5000, want: 0 },
  ])('$name', ({ i, top, want }) => {
    expect(revealRow(i, top, s, 28, 280)).toBe(want);
  });
  it('scaled, the revealed row sits in the viewport', () => {
    const big = scrollScale(10_000_000, 28, 600);
    const i = 7_000_000;
    const top = revealRow(i, 0, big, 28, 600);
    const off = rowTop(i, top, big, 28) - top;
    expect(off).toBeGreaterThanOrEqual(-0.01);
    expect(off + 28).toBeLessThanOrEqual(600.01);
  });
});
