// Formatting for the status bar. Fixed to en-US separators so a figure reads
// the same on every auditor's machine and in screenshots attached to reports.
import { formatInstant } from './timerange';

const counts = new Intl.NumberFormat('en-US');

/** formatCount gives 1234567 as "1,234,567". */
export function formatCount(n: number): string {
  return counts.format(n);
}

/** formatEvents gives "0 events", "1 event", "1,234,567 events". */
export function formatEvents(n: number): string {
  return `${formatCount(n)} ${n === 1 ? 'event' : 'events'}`;
}

/** formatFiles gives "0 files", "1 file", "1,200 files": a case's. */
export function formatFiles(n: number): string {
  return `${formatCount(n)} ${n === 1 ? 'file' : 'files'}`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * formatSynced renders an RFC 3339 time as "YYYY-MM-DD HH:mm:ss UTC", and ""
 * as "never". Always UTC: audit trails are compared across time zones.
 */
export function formatSynced(rfc3339: string): string {
  if (rfc3339 === '') return 'never';
  const d = new Date(rfc3339);
  if (Number.isNaN(d.getTime())) return 'unknown';
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return `${date} ${time} UTC`;
}

/** formatVersion gives "0.1.0-dev" as "v0.1.0-dev", without doubling a "v". */
export function formatVersion(v: string): string {
  if (v === '') return '';
  return v.startsWith('v') ? v : `v${v}`;
}

/** capitalise upper-cases the first letter, for messages shown as sentences. */
export function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** formatDay gives an RFC 3339 time's UTC date, "2026-11-26", or "" when it is not a time. */
export function formatDay(rfc3339: string): string {
  const d = new Date(rfc3339);
  if (rfc3339 === '' || Number.isNaN(d.getTime())) return '';
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/**
 * formatRange gives the cache's span as "2025-10-26 – 2026-11-26", days in
 * zone (UTC by default); one day once; "" when empty.
 */
export function formatRange(oldest: string, newest: string, zone = 'UTC'): string {
  const day = (t: string) => (zone === 'UTC' ? formatDay(t) : formatInstant(t, zone).slice(0, 10));
  const from = day(oldest);
  const to = day(newest);
  if (from === '' || to === '') return from || to;
  return from === to ? from : `${from} – ${to}`;
}

/** lastSyncState tells how the last sync ended: a cancelled sync is not a failure. */
export function lastSyncState(s: { lastSyncError: string; lastSyncCancelled: boolean }): 'ok' | 'cancelled' | 'failed' {
  if (s.lastSyncCancelled) return 'cancelled';
  return s.lastSyncError === '' ? 'ok' : 'failed';
}

/** formatElapsed gives a query's time: "0.4 ms" under 10 ms, then whole, "1,234 ms". */
export function formatElapsed(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  const tenths = Math.round(ms * 10) / 10;
  return tenths < 10 ? `${tenths.toFixed(1)} ms` : `${formatCount(Math.round(ms))} ms`;
}

/** formatMatching gives "12,345 matching of 1,000,000 events". */
export function formatMatching(total: number, events: number): string {
  return `${formatCount(total)} matching of ${formatEvents(events)}`;
}

// eslint-disable-next-line no-control-regex -- finding control characters is the point
const controls = /[\u0000-\u001f\u007f]/g;
const escapes: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * showControls writes control characters as escapes (ESC as \x1b, a newline
 * as \n): audit text is outside input, and a cell must show what it holds
 * rather than a blank box or a line break. Escapes, not Control Pictures
 * (␛): few Linux fonts have those.
 */
export function showControls(s: string): string {
  return s.replace(controls, (c) => escapes[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

// A cell's control characters, a CRLF as one: cellText's one pass.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const cellControls = /\r\n|[\u0000-\u001f\u007f]/g;

/** The mark of a line break in a one-line cell. */
export const lineBreakMark = ' ↵ ';

const cellMarks: Record<string, string> = {
  '\r\n': lineBreakMark,
  '\n': lineBreakMark,
  '\r': lineBreakMark,
  '\t': ' ',
};

/**
 * cellText is a value as a table cell shows it, on one line: a line break
 * as ↵ (which the fonts have), a tab as a space, any other control
 * character as its escape (showControls).
 */
export function cellText(s: string): string {
  return s.replace(cellControls, (c) => cellMarks[c] ?? showControls(c));
}

/**
 * detailText is a value as the details panel shows it, whole: its line
 * breaks and tabs as they are (the panel wraps), any other control
 * character as its escape.
 */
export function detailText(s: string): string {
  return s.replace(/\r\n?/g, '\n').replace(controls, (c) => (c === '\n' || c === '\t' ? c : showControls(c)));
}

/**
 * formatLocal renders an RFC 3339 time in this computer's zone as
 * "YYYY-MM-DD HH:mm:ss", for the user's own records (the activity log);
 * "" when it is not a time.
 */
export function formatLocal(rfc3339: string): string {
  const d = new Date(rfc3339);
  if (rfc3339 === '' || Number.isNaN(d.getTime())) return '';
  const date = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  return `${date} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** baseName gives a path's last part, for "/" and "\" alike (the path comes from any OS's dialog). */
export function baseName(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).at(-1) ?? path;
}

/** shortHash gives a SHA-256's first 12 hex digits and "…": enough to tell files apart at a glance. */
export function shortHash(hash: string): string {
  return hash.length > 12 ? `${hash.slice(0, 12)}…` : hash;
}
