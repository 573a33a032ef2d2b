// Viewport math for the virtual table. The table never holds all rows: it
// asks a fetchRows function for fixed-size blocks covering what is visible.
// This module only does arithmetic, so it is tested without a DOM or Go.

/** BLOCK_SIZE is how many rows one fetch returns and the cache keeps together. */
export const BLOCK_SIZE = 200;

/** ROW_HEIGHT is the table's fixed row height in px; the header is one row too. */
export const ROW_HEIGHT = 28;

/**
 * MAX_SCROLL_HEIGHT caps the scroll area. Browsers stop laying out an
 * element near 33,554,432 px; well below that the area is scaled instead.
 */
export const MAX_SCROLL_HEIGHT = 15_000_000;

/** FetchRows loads rows [offset, offset+limit) of one query's result. */
export type FetchRows<Row> = (queryId: number, offset: number, limit: number) => Promise<Row[]>;

export interface Viewport {
  scrollTop: number;
  height: number;
  rowHeight: number;
  total: number;
  /**
   * Rows to render beyond each edge so fast scrolling shows no gaps; 3 by
   * default. Each is laid out at every update: 10 made a jump or a
   * keystroke at a million events lay out 20 rows nobody sees.
   */
  overscan?: number;
}

/** RowRange is a half-open range of row indexes [first, end). */
export interface RowRange {
  first: number;
  end: number;
}

/** visibleRows is the range of rows to render for a viewport. */
export function visibleRows(v: Viewport): RowRange {
  const overscan = v.overscan ?? 3;
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

/**
 * ScrollScale maps the scroll area onto the rows. Up to the cap the area is
 * as tall as the rows and ratio is 1; above it the area is capped and a
 * scrolled pixel moves ratio pixels of rows, so the last row is reached
 * exactly when the area is scrolled to its end.
 */
export interface ScrollScale {
  /** The scroll area's height in px. */
  height: number;
  /** Content px per scrolled px, >= 1. */
  ratio: number;
}

/** scrollScale is the scroll area for total rows seen through a viewport height px high. */
export function scrollScale(
  total: number,
  rowHeight: number,
  viewportHeight: number,
  cap = MAX_SCROLL_HEIGHT,
): ScrollScale {
  const content = Math.max(0, total) * rowHeight;
  if (content <= cap) return { height: content, ratio: 1 };
  const view = Math.min(Math.max(0, viewportHeight), cap - 1);
  return { height: cap, ratio: Math.max(1, (content - view) / (cap - view)) };
}

/** contentTop is how far into the rows (px) a scroll position shows. */
export function contentTop(scrollTop: number, scale: ScrollScale): number {
  return Math.max(0, scrollTop) * scale.ratio;
}

/**
 * rowTop is where row i sits in the scroll area (px). Unscaled it is
 * i * rowHeight; scaled, rows are placed relative to the scroll position,
 * so the visible ones sit where the viewport is.
 */
export function rowTop(i: number, scrollTop: number, scale: ScrollScale, rowHeight: number): number {
  const top = Math.max(0, scrollTop);
  return i * rowHeight - contentTop(top, scale) + top;
}

/** widen grows a range by n rows each side, within [0, total): what to fetch ahead of scrolling. */
export function widen(r: RowRange, n: number, total: number): RowRange {
  if (r.end <= r.first) return r;
  return { first: Math.max(0, r.first - n), end: Math.min(total, r.end + n) };
}

/**
 * revealRow is the scrollTop that brings row i fully into a viewport
 * height px high, moving as little as it can; scrollTop itself when the row
 * is already in view.
 */
export function revealRow(i: number, scrollTop: number, scale: ScrollScale, rowHeight: number, height: number): number {
  const top = i * rowHeight - contentTop(scrollTop, scale); // the row's offset in the viewport
  if (top >= 0 && top + rowHeight <= height) return scrollTop;
  const want = top < 0 ? i * rowHeight : (i + 1) * rowHeight - height;
  return Math.max(0, want / scale.ratio);
}
