// The grid's keyboard, as a pure function of the key so it is tested
// without a DOM: which row a key selects, or that it opens the details.

export type GridKey = { kind: 'select'; row: number } | { kind: 'open' } | null;

/**
 * gridKey maps a keydown in the grid to what it does. selected is the
 * selected row (null for none: the first key selects firstShown), page is
 * how many rows a PageUp/PageDown moves, total the rows in the result.
 */
export function gridKey(
  key: string,
  selected: number | null,
  firstShown: number,
  page: number,
  total: number,
): GridKey {
  if (total <= 0) return null;
  const at = selected ?? firstShown;
  const clamp = (i: number) => Math.max(0, Math.min(total - 1, i));
  // From no selection the first arrow selects the row in view rather than skipping it.
  const step = (n: number) => ({ kind: 'select' as const, row: clamp(selected === null ? at : at + n) });
  switch (key) {
    case 'ArrowDown':
      return step(1);
    case 'ArrowUp':
      return step(-1);
    case 'PageDown':
      return step(page);
    case 'PageUp':
      return step(-page);
    case 'Home':
      return { kind: 'select', row: 0 };
    case 'End':
      return { kind: 'select', row: total - 1 };
    case 'Enter':
      return selected === null ? null : { kind: 'open' };
  }
  return null;
}
