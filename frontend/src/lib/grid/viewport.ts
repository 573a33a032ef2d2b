// Viewport math for the virtual table. The table never holds all rows: it
// asks a fetchRows function for fixed-size blocks covering what is visible.
// This module only does arithmetic, so it is tested without a DOM or Go.

/** BLOCK_SIZE is how many rows one fetch returns and the cache keeps together. */
export const BLOCK_SIZE = 200;

/** FetchRows loads rows [offset, offset+limit) of the current query. */
export type FetchRows<Row> = (offset: number, limit: number) => Promise<Row[]>;

export interface Viewport {
  scrollTop: number;
  height: number;
  rowHeight: number;
  total: number;
  /** Rows to render beyond each edge so fast scrolling shows no gaps. */
  overscan?: number;
}

/** RowRange is a half-open range of row indexes [first, end). */
export interface RowRange {
  first: number;
  end: number;
}

/** visibleRows is the range of rows to render for a viewport. */
export function visibleRows(v: Viewport): RowRange {
  const overscan = v.overscan ?? 10;
  if (v.total <= 0 || v.rowHeight <= 0) return { first: 0, end: 0 };
  const top = Math.floor(Math.max(0, v.scrollTop) / v.rowHeight);
  const shown = Math.ceil(Math.max(0, v.height) / v.rowHeight) + 1;
  const first = Math.max(0, top - overscan);
  const end = Math.min(v.total, top + shown + overscan);
  return { first: Math.min(first, end), end };
}

/** blocksFor lists the block indexes that cover a row range. */
export function blocksFor(r: RowRange, blockSize = BLOCK_SIZE): number[] {
  if (r.end <= r.first) return [];
  const out: number[] = [];
  for (let b = Math.floor(r.first / blockSize); b * blockSize < r.end; b++) out.push(b);
  return out;
}
