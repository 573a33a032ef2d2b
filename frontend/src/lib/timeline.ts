// The timeline's arithmetic: which bar is under the pointer, and the time
// range a drag across bars selects. Pure, so it is tested without layout.
import type { Bucket, Gap } from './api';

/** bucketAt is the index of the bar at x px in a timeline width px wide with n bars. */
export function bucketAt(x: number, width: number, n: number): number {
  if (n <= 0 || width <= 0) return 0;
  return Math.max(0, Math.min(n - 1, Math.floor((x / width) * n)));
}

/** dragRange is from the start of the first bar dragged over to the end of the last, either way. */
export function dragRange(buckets: Bucket[], a: number, b: number): { from: string; to: string } | null {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  if (lo < 0 || hi >= buckets.length) return null;
  return { from: buckets[lo].start, to: buckets[hi].end };
}

/** GapSpan is a period no sync finished, placed on a timeline width px wide. */
export interface GapSpan {
  x: number;
  w: number;
  start: string;
  end: string;
  /** No sync can fill it: the platform no longer keeps its period. */
  pastRetention: boolean;
}

/**
 * gapSpans places gaps on the timeline's time axis (the first bar's start to
 * the last's end), clipped to it; a gap outside it is left out, and one
 * too thin to see is drawn a pixel wide.
 */
export function gapSpans(buckets: Bucket[], gaps: Gap[], width: number): GapSpan[] {
  if (buckets.length === 0) return [];
  const t0 = Date.parse(buckets[0].start);
  const t1 = Date.parse(buckets[buckets.length - 1].end);
  if (!(t1 > t0)) return [];
  const x = (t: number) => ((Math.min(t1, Math.max(t0, t)) - t0) / (t1 - t0)) * width;
  const out: GapSpan[] = [];
  for (const g of gaps) {
    const s = Date.parse(g.start);
    const e = Date.parse(g.end);
    if (!(e > s) || e <= t0 || s >= t1) continue;
    const a = x(s);
    out.push({ x: a, w: Math.max(1, x(e) - a), start: g.start, end: g.end, pastRetention: g.pastRetention });
  }
  return out;
}
