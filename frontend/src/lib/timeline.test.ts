import { describe, expect, it } from 'vitest';
import { bucketAt, dragRange, gapSpans } from './timeline';

describe('bucketAt', () => {
  it.each([
    { x: 0, want: 0 },
    { x: 9.9, want: 0 },
    { x: 10, want: 1 },
    { x: 99, want: 9 },
    { x: 150, want: 9 },
    { x: -5, want: 0 },
  ])('x=$x of 100px, 10 bars -> $want', ({ x, want }) => {
    expect(bucketAt(x, 100, 10)).toBe(want);
  });
  it('has no bar without buckets or width', () => {
    expect(bucketAt(5, 0, 10)).toBe(0);
    expect(bucketAt(5, 100, 0)).toBe(0);
  });
});

describe('dragRange', () => {
  const b = [0, 1, 2, 3].map((h) => ({
    start: `2026-01-01T0${h}:00:00Z`,
    end: `2026-01-01T0${h + 1}:00:00Z`,
    count: h,
  }));
  it('goes from the first bar start to the last bar end, whichever way the drag went', () => {
    expect(dragRange(b, 1, 2)).toEqual({ from: '2026-01-01T01:00:00Z', to: '2026-01-01T03:00:00Z' });
    expect(dragRange(b, 2, 1)).toEqual(dragRange(b, 1, 2));
    expect(dragRange(b, 3, 3)).toEqual({ from: '2026-01-01T03:00:00Z', to: '2026-01-01T04:00:00Z' });
  });
  it('is null outside the bars', () => {
    expect(dragRange(b, 0, 4)).toBeNull();
    expect(dragRange([], 0, 0)).toBeNull();
  });
});

describe('gapSpans', () => {
  const days = [0, 1, 2, 3].map((d) => ({
    start: `2026-03-0${d + 1}T00:00:00Z`,
    end: `2026-03-0${d + 2}T00:00:00Z`,
    count: 1,
  }));
  const gap = (start: string, end: string, pastRetention = false) => ({ start, end, pastRetention });

  it('places a gap on the time axis, clipped to it, and drops those outside', () => {
    const out = gapSpans(
      days,
      [
        gap('2026-03-02T00:00:00Z', '2026-03-03T12:00:00Z'),
        gap('2026-02-01T00:00:00Z', '2026-03-01T12:00:00Z'),
        gap('2026-04-01T00:00:00Z', '2026-04-02T00:00:00Z'),
      ],
      1000,
    );
    expect(out.map(({ x, w }) => [x, w])).toEqual([
      [250, 375],
      [0, 125],
    ]);
  });

  it('keeps whether a sync can still fill the gap', () => {
    const out = gapSpans(days, [gap('2026-03-02T00:00:00Z', '2026-03-03T00:00:00Z', true)], 1000);
    expect(out[0].pastRetention).toBe(true);
  });

  it('draws a very short gap a pixel wide, and nothing without bars', () => {
    expect(gapSpans(days, [gap('2026-03-02T00:00:00Z', '2026-03-02T00:00:01Z')], 1000)[0].w).toBe(1);
    expect(gapSpans([], [gap('2026-03-02T00:00:00Z', '2026-03-03T00:00:00Z')], 1000)).toEqual([]);
  });
});
