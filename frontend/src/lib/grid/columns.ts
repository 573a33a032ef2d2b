/** Column is one column of the audit event table. */
export interface Column {
  key: string;
  label: string;
  /** A CSS grid track size; Description takes the slack. */
  width: string;
}

export const columns: readonly Column[] = [
  { key: 'timestamp', label: 'Timestamp', width: '150px' },
  { key: 'user', label: 'User', width: '150px' },
  { key: 'scope', label: 'Scope', width: '96px' },
  { key: 'category', label: 'Category', width: '130px' },
  { key: 'action', label: 'Action', width: '150px' },
  { key: 'target', label: 'Target', width: '150px' },
  { key: 'status', label: 'Status', width: '84px' },
  { key: 'description', label: 'Description', width: 'minmax(200px, 1fr)' },
  { key: 'workspace', label: 'Workspace', width: '130px' },
];

/** gridTemplate is the CSS grid-template-columns shared by header and rows. */
export const gridTemplate = columns.map((c) => c.width).join(' ');
