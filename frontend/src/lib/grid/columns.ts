/**
 * ColumnKey names a column: the Row field it shows and the sort field
 * (Go's audit.SortFields) a click on its header asks for.
 */
export type ColumnKey =
  'timestamp' | 'user' | 'scope' | 'category' | 'action' | 'target' | 'status' | 'description' | 'workspace';

/** Column is one column of the audit event table. */
export interface Column {
  key: ColumnKey;
  label: string;
  /** A CSS grid track size; Description takes the slack. */
  width: string;
}

export const columns: readonly Column[] = [
  { key: 'timestamp', label: 'Timestamp', width: '160px' },
  { key: 'user', label: 'User', width: '180px' },
  { key: 'scope', label: 'Scope', width: '104px' },
  { key: 'category', label: 'Category', width: '120px' },
  { key: 'action', label: 'Action', width: '150px' },
  { key: 'target', label: 'Target', width: '130px' },
  { key: 'status', label: 'Status', width: '92px' },
  { key: 'description', label: 'Description', width: 'minmax(180px, 1fr)' },
  { key: 'workspace', label: 'Workspace', width: '120px' },
];

/** gridTemplate is the CSS grid-template-columns shared by header and rows. */
export const gridTemplate = columns.map((c) => c.width).join(' ');
