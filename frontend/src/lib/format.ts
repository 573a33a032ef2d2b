// Formatting for the status bar. Fixed to en-US separators so a figure reads
// the same on every auditor's machine and in screenshots attached to reports.
const counts = new Intl.NumberFormat('en-US');

/** formatCount gives 1234567 as "1,234,567". */
export function formatCount(n: number): string {
  return counts.format(n);
}

/** formatEvents gives "0 events", "1 event", "1,234,567 events". */
export function formatEvents(n: number): string {
  return `${formatCount(n)} ${n === 1 ? 'event' : 'events'}`;
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
