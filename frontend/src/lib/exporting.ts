// What the export dialog, strip and notices say, as pure functions so the
// wording is tested without a DOM.
import type { ExportProgress, GroupField, ReportOptions } from './api';
import { baseName, formatCount } from './format';
import { columns } from './grid/columns';
import type { Sort } from './state/query.svelte';

const plural = (n: number, one: string, many: string) => `${formatCount(n)} ${n === 1 ? one : many}`;

/** sortLabel gives "User ↑" (A to Z, oldest first) or "Timestamp ↓", as the table's header arrow. */
export function sortLabel(sort: Sort): string {
  const label = columns.find((c) => c.key === sort.field)?.label ?? sort.field;
  return `${label} ${sort.desc ? '↓' : '↑'}`;
}

/** ViewFacts is what the dialog knows of the view: its count, when answered, and how it is read. */
export interface ViewFacts {
  /** Matching events, or null while there is no answer (no profile, a bad filter). */
  total: number | null;
  filtered: boolean;
  sort: Sort;
  timeZone: string;
}

/** viewSummary gives "12,345 events matching the current filters, sorted by User ↑, times in UTC". */
export function viewSummary(v: ViewFacts): string {
  let what: string;
  if (v.total === null) what = v.filtered ? 'The events matching the current filters' : 'All events';
  else if (v.filtered) what = `${plural(v.total, 'event', 'events')} matching the current filters`;
  else what = v.total === 1 ? 'The 1 event' : `All ${plural(v.total, 'event', 'events')}`;
  return `${what}, sorted by ${sortLabel(v.sort)}, times in ${v.timeZone || 'UTC'}`;
}

/** exportingText gives "Exporting 120,000 of 1,000,000 rows", or what is starting before the count. */
export function exportingText(p: ExportProgress | null): string {
  if (p === null || p.total <= 0) return 'Starting export…';
  return `Exporting ${formatCount(Math.min(p.rows, p.total))} of ${plural(p.total, 'row', 'rows')}`;
}

/** exportRange is the bar's value and maximum, or null for an indeterminate bar. */
export function exportRange(p: ExportProgress | null): { now: number; max: number } | null {
  if (p === null || p.total <= 0) return null;
  return { now: Math.min(p.rows, p.total), max: p.total };
}

/** exportedText is the notice after an export: "Exported 12,345 rows to report.xlsx". */
export function exportedText(rows: number, path: string): string {
  return `Exported ${plural(rows, 'row', 'rows')} to ${baseName(path)}`;
}

export const exportCancelledText = 'Export cancelled; nothing was written';

/** activitySort gives Go's "user:asc" as "User ↑"; what it cannot read it leaves as it is. */
export function activitySort(s: string): string {
  const m = /^(\w+):(asc|desc)$/.exec(s);
  if (!m || !columns.some((c) => c.key === m[1])) return s;
  return sortLabel({ field: m[1] as Sort['field'], desc: m[2] === 'desc' });
}

/** reportedText is the notice after a report: "Wrote a report of 12,345 events and 3 findings to q4.xlsx". */
export function reportedText(rows: number, findings: number, path: string): string {
  return `Wrote a report of ${plural(rows, 'event', 'events')} and ${plural(findings, 'finding', 'findings')} to ${baseName(path)}`;
}

/**
 * reportOptions are a report's group-by sheets, one per pinned group-by,
 * each listing as many groups as its pin showed (0: all).
 */
export function reportOptions(pinned: readonly { by: GroupField[]; top: number }[]): ReportOptions {
  return { groups: pinned.map((p) => [...p.by]), tops: pinned.map((p) => Math.max(0, p.top)) };
}
