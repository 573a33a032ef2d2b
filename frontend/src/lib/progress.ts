// What the sync progress strip says, as pure functions of a progress event
// and the clock, so the wording and the countdown are tested without a DOM.
import type { SyncProgress } from './api';
import { formatCount } from './format';

/** SyncKind is what started a sync; it names the sync before its first event. */
export type SyncKind = 'refresh' | 'demo' | 'connect' | 'token';

const starting: Record<SyncKind, string> = {
  refresh: 'Starting sync…',
  demo: 'Opening the demo…',
  connect: 'Connecting…',
  token: 'Starting sync…',
};

const plural = (n: number, one: string, many: string) => `${formatCount(n)} ${n === 1 ? one : many}`;

/**
 * progressText gives "Syncing acme/alice · 12,000 of 50,000 events ·
 * 11,800 new · 24 pages", or what is starting before the first event.
 */
export function progressText(p: SyncProgress | null, kind: SyncKind): string {
  if (p === null) return starting[kind];
  const head = p.profile === '' ? 'Syncing' : `Syncing ${p.profile}`;
  const events = p.hasTotal
    ? `${formatCount(p.events)} of ${plural(p.total, 'event', 'events')}`
    : plural(p.events, 'event', 'events');
  const parts = [head, events, `${formatCount(p.new)} new`, plural(p.pages, 'page', 'pages')];
  if (p.restarts > 0) parts.push(plural(p.restarts, 'restart', 'restarts'));
  // After a big first sync the index takes seconds; say what is going on.
  if (p.indexing) parts.push('indexing for search…');
  return parts.join(' · ');
}

const waitReasons: Record<Exclude<SyncProgress['waiting'], ''>, string> = {
  rate_limited: 'Rate limited by the server',
  unavailable: 'The server is unavailable',
  transient: 'The connection failed',
};

/** secondsLeft is the whole seconds until rfc3339, rounded up, never negative; null when unknown. */
export function secondsLeft(rfc3339: string, nowMs: number): number | null {
  const at = Date.parse(rfc3339);
  if (rfc3339 === '' || Number.isNaN(at)) return null;
  return Math.max(0, Math.ceil((at - nowMs) / 1000));
}

/** waitText gives "Rate limited by the server — retrying in 3 s", or "" while not waiting. */
export function waitText(p: SyncProgress | null, nowMs: number): string {
  if (p === null || p.waiting === '' || p.done) return '';
  const secs = secondsLeft(p.waitUntil, nowMs);
  const when = secs === null ? 'retrying shortly' : secs === 0 ? 'retrying now' : `retrying in ${secs} s`;
  return `${waitReasons[p.waiting]} — ${when}`;
}

/** progressRange is the bar's value and maximum, or null for an indeterminate bar. */
export function progressRange(p: SyncProgress | null): { now: number; max: number } | null {
  if (p === null || !p.hasTotal || p.total <= 0) return null;
  // The window can grow while it is read; the bar never runs past full.
  return { now: Math.min(p.events, p.total), max: p.total };
}

/** syncedText is the notice after a sync: "Synced: 120 new events". */
export function syncedText(added: number): string {
  if (added <= 0) return 'Synced: no new events';
  return `Synced: ${plural(added, 'new event', 'new events')}`;
}

export const cancelledText = 'Sync cancelled; the events saved so far are kept';
