// The timeline's arithmetic: which bar is under the pointer, and the time
// range a drag across bars selects. Pure, so it is tested without layout.
import type { Bucket } from './api';

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
