import { audit } from '../api';

/**
 * ColumnKey names a column: the Row field it shows and the sort field
 * (Go's audit.SortFields) a click on its header asks for.
 */
export type ColumnKey = audit.SortField;

/** Column is one column of the audit event table. */
export interface Column {
  key: ColumnKey;
  label: string;
  /** A CSS grid track size; Description takes the slack. */
  width: string;
  /** Hidden until the Columns menu shows it: the fields beyond the console's table. */
  hidden?: boolean;
}

export const columns: readonly Column[] = [
  { key: audit.SortField.Timestamp, label: 'Timestamp', width: '160px' },
  { key: audit.SortField.User, label: 'User', width: '180px' },
  { key: audit.SortField.Scope, label: 'Scope', width: '104px' },
  { key: audit.SortField.Category, label: 'Category', width: '120px' },
  { key: audit.SortField.Action, label: 'Action', width: '150px' },
  { key: audit.SortField.Target, label: 'Target', width: '130px' },
  { key: audit.SortField.Status, label: 'Status', width: '92px' },
  { key: audit.SortField.Description, label: 'Description', width: 'minmax(180px, 1fr)' },
  { key: audit.SortField.Workspace, label: 'Workspace', width: '120px' },
  { key: audit.SortField.ID, label: 'Event ID', width: '250px', hidden: true },
  { key: audit.SortField.SourceIP, label: 'Source IP', width: '130px', hidden: true },
];

/** isHidden says whether a column is hidden: as saved, else its default. */
export function isHidden(c: Column, saved: readonly Saved[]): boolean {
  // Go leaves out a false hidden: a column saved at all is hidden only when it says so.
  const s = saved.find((x) => x.key === c.key);
  return c.key !== alwaysShown && (s ? s.hidden === true : c.hidden === true);
}

/** gridTemplate is the CSS grid-template-columns shared by header and rows (the columns shown by default). */
export const gridTemplate = columns
  .filter((c) => c.hidden !== true)
  .map((c) => c.width)
  .join(' ');

/** Saved is how Go keeps a column: settings.Column (width 0: the default). */
export interface Saved {
  key: string;
  width?: number;
  hidden?: boolean;
}

/** Shown is a column as the table lays it out now. */
export interface Shown extends Column {
  /** px, or 0 when the default track applies. */
  px: number;
}

/** The narrowest a drag makes a column, and the column that always stays. */
export const minWidth = 60;
export const alwaysShown: ColumnKey = audit.SortField.Timestamp;

/** shownColumns applies saved widths and hidden flags to the defaults, in the defaults' order. */
export function shownColumns(saved: readonly Saved[]): Shown[] {
  const by = new Map(saved.map((s) => [s.key, s]));
  return columns.filter((c) => !isHidden(c, saved)).map((c) => ({ ...c, px: Math.max(0, by.get(c.key)?.width ?? 0) }));
}

/** templateOf is grid-template-columns for the shown columns; a saved width replaces the default track. */
export function templateOf(shown: readonly Shown[]): string {
  return shown.map((c) => (c.px > 0 ? `${Math.max(minWidth, c.px)}px` : c.width)).join(' ');
}

/** withColumn is saved with one column's entry changed, keeping the others' (every column once). */
export function withColumn(
  saved: readonly Saved[],
  key: ColumnKey,
  change: Partial<Saved>,
): { key: string; width: number; hidden: boolean }[] {
  const out = columns.map(
    (c) => saved.find((s) => s.key === c.key) ?? { key: c.key as string, width: 0, hidden: c.hidden === true },
  );
  return out.map((s) => {
    const next = { ...s, ...(s.key === key ? change : {}) };
    return {
      key: next.key,
      // Go takes 0 to 2000 px; 0 is the default track.
      width: Math.min(2000, Math.max(0, Math.round(next.width ?? 0))),
      hidden: next.key !== alwaysShown && next.hidden === true,
    };
  });
}
