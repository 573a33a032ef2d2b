import { audit } from '../api';

/** The Tags column's key: the auditor's marks, which no sort orders by. */
export const tagsKey = 'tags';

/**
 * ColumnKey names a column: the Row field it shows and, but for Tags, the
 * sort field (Go's audit.SortFields) a click on its header asks for.
 */
export type ColumnKey = audit.SortField | typeof tagsKey;

/** Column is one column of the audit event table. */
export interface Column {
  key: ColumnKey;
  label: string;
  /** A CSS grid track size; Description takes the slack. */
  width: string;
  /** Hidden until the Columns menu shows it: the fields beyond the console's table. */
  hidden?: boolean;
  /** Shown by default only while the profile has marks (Tags); as saved once saved. */
  whenMarked?: boolean;
}

export const columns: readonly Column[] = [
  { key: audit.SortField.Timestamp, label: 'Timestamp', width: '160px' },
  { key: audit.SortField.User, label: 'User', width: '180px' },
  { key: audit.SortField.Scope, label: 'Scope', width: '104px' },
  { key: audit.SortField.Category, label: 'Category', width: '120px' },
  { key: audit.SortField.Action, label: 'Action', width: '150px' },
  { key: audit.SortField.Target, label: 'Target', width: '130px' },
  { key: audit.SortField.Status, label: 'Status', width: '92px' },
  { key: tagsKey, label: 'Tags', width: '110px', whenMarked: true },
  { key: audit.SortField.Description, label: 'Description', width: 'minmax(180px, 1fr)' },
  { key: audit.SortField.Workspace, label: 'Workspace', width: '120px' },
  { key: audit.SortField.ID, label: 'Event ID', width: '250px', hidden: true },
  { key: audit.SortField.SourceIP, label: 'Source IP', width: '130px', hidden: true },
];

/** sortable tells whether a click on the column's header sorts by it. */
export const sortable = (key: ColumnKey): key is audit.SortField => key !== tagsKey;

/** hiddenByDefault says whether a column is hidden when nothing is saved of it; marked: the profile has marks. */
const hiddenByDefault = (c: Column, marked: boolean): boolean => (c.whenMarked ? !marked : c.hidden === true);

/** isHidden says whether a column is hidden: as saved, else its default (marked: the profile has marks). */
export function isHidden(c: Column, saved: readonly Saved[], marked = false): boolean {
  // Go leaves out a false hidden: a column saved at all is hidden only when it says so.
  const s = saved.find((x) => x.key === c.key);
  return c.key !== alwaysShown && (s ? s.hidden === true : hiddenByDefault(c, marked));
}

/** gridTemplate is the CSS grid-template-columns shared by header and rows (the columns shown by default, no marks). */
export const gridTemplate = columns
  .filter((c) => !hiddenByDefault(c, false))
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

/** shownColumns applies saved widths and hidden flags to the defaults, in the defaults' order (marked: the profile has marks). */
export function shownColumns(saved: readonly Saved[], marked = false): Shown[] {
  const by = new Map(saved.map((s) => [s.key, s]));
  return columns
    .filter((c) => !isHidden(c, saved, marked))
    .map((c) => ({ ...c, px: Math.max(0, by.get(c.key)?.width ?? 0) }));
}

/** templateOf is grid-template-columns for the shown columns; a saved width replaces the default track. */
export function templateOf(shown: readonly Shown[]): string {
  return shown.map((c) => (c.px > 0 ? `${Math.max(minWidth, c.px)}px` : c.width)).join(' ');
}

/**
 * withColumn is saved with one column's entry changed, keeping the others'
 * (every column once). A column whose default follows the marks (Tags) is
 * written only once saved or changed: else a change to another column,
 * made before any mark, would keep it hidden once there are marks.
 */
export function withColumn(
  saved: readonly Saved[],
  key: ColumnKey,
  change: Partial<Saved>,
): { key: string; width: number; hidden: boolean }[] {
  const out = columns
    .filter((c) => !c.whenMarked || c.key === key || saved.some((s) => s.key === c.key))
    // A column changed that follows the marks is one the Columns menu or a drag shows: not hidden.
    .map((c) => saved.find((s) => s.key === c.key) ?? { key: c.key as string, width: 0, hidden: c.hidden === true });
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
