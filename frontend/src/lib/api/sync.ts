// The sync progress event. Its payload is not a bound method's result, so
// Wails does not generate a type for it; this mirrors app.SyncProgress.
import { EventsOn } from '../../../wailsjs/runtime/runtime';
import { num, str } from './coerce';

/** SyncProgress is one "sync:progress" event: the running sync's figures so far. */
export interface SyncProgress {
  /** The profile's name, e.g. "acme/alice"; "" until the identity is known. */
  profile: string;
  pages: number;
  /** Events the API served in this run. */
  events: number;
  /** Events added to the cache. */
  new: number;
  duplicates: number;
  /** The server's count for the window; meaningful only when hasTotal. */
  total: number;
  hasTotal: boolean;
  waits: number;
  /** Why the sync is waiting, "" while it is not. */
  waiting: '' | 'rate_limited' | 'unavailable' | 'transient';
  /** RFC 3339, when waiting: when the next try is due. */
  waitUntil: string;
  restarts: number;
  newest: string;
  done: boolean;
  /** The run has ended and the query index is taking its events in. */
  indexing: boolean;
}

export const syncProgressEvent = 'sync:progress';

const waits = new Set(['rate_limited', 'unavailable', 'transient']);

/** normaliseProgress fills what Go omits (omitempty, omitzero) so the UI never meets undefined. */
export function normaliseProgress(raw: unknown): SyncProgress {
  const p = (raw !== null && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const waiting = str(p.waiting);
  return {
    profile: str(p.profile),
    pages: num(p.pages),
    events: num(p.events),
    new: num(p.new),
    duplicates: num(p.duplicates),
    total: num(p.total),
    hasTotal: p.hasTotal === true,
    waits: num(p.waits),
    waiting: waits.has(waiting) ? (waiting as SyncProgress['waiting']) : '',
    waitUntil: str(p.waitUntil),
    restarts: num(p.restarts),
    newest: str(p.newest),
    done: p.done === true,
    indexing: p.indexing === true,
  };
}

interface RuntimeWindow {
  runtime?: { EventsOnMultiple?: unknown };
}

/**
 * onSyncProgress calls cb with every progress event and returns the
 * unsubscribe function. Outside Wails (vitest, vite dev) there are no
 * events, and subscribing is a no-op rather than a TypeError.
 */
export function onSyncProgress(cb: (p: SyncProgress) => void): () => void {
  if (typeof window === 'undefined' || !(window as RuntimeWindow).runtime?.EventsOnMultiple) {
    return () => {};
  }
  return EventsOn(syncProgressEvent, (data: unknown) => cb(normaliseProgress(data)));
}
