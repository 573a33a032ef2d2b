// The Sync service: refresh the open profile, connect a new one, open the
// demo, cancel; and the sync:progress event. The event's payload is not a
// bound method's result, so Wails does not generate a type for it;
// SyncProgress mirrors app.SyncProgress.
import * as Sync from '../../../wailsjs/go/app/Sync';
import { EventsOn } from '../../../wailsjs/runtime/runtime';
import { call, object, runtime } from './call';
import { num, str } from './coerce';
import type { Status } from './profiles';

/** refresh syncs the current profile's cache and returns the new status. */
export async function refresh(): Promise<Status> {
  return call(Sync.Refresh);
}

/** openDemo syncs the demo platform's profile and makes it current. */
export async function openDemo(): Promise<Status> {
  return call(Sync.OpenDemo);
}

/** connect checks the identity behind a token, makes its profile current and syncs it. */
export async function connect(apiUrl: string, token: string): Promise<Status> {
  return call(() => Sync.Connect(apiUrl, token));
}

/** provideToken gives the current profile's token (when Go has none), then syncs. */
export async function provideToken(token: string): Promise<Status> {
  return call(() => Sync.ProvideToken(token));
}

/** cancelRefresh stops the running sync; its awaited call rejects with "cancelled". */
export async function cancelRefresh(): Promise<void> {
  await call(Sync.Cancel);
}

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
  const p = object(raw);
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

/**
 * onSyncProgress calls cb with every progress event and returns the
 * unsubscribe function. Outside Wails (vitest, vite dev) there are no
 * events, and subscribing is a no-op rather than a TypeError.
 */
export function onSyncProgress(cb: (p: SyncProgress) => void): () => void {
  if (!runtime()?.EventsOnMultiple) return () => {};
  return EventsOn(syncProgressEvent, (data: unknown) => cb(normaliseProgress(data)));
}
