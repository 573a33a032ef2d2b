// Test-only: the fake lib/api that the UI tests hand to vi.mock. It must not
// import lib/api (nor anything that does): a vi.mock factory of lib/api
// imports it while lib/api itself is still being mocked.
import { vi } from 'vitest';

/** The names of lib/api's calls and subscriptions that a test fakes. */
export interface Fakes<T> {
  /** calls become a bare vi.fn(). */
  calls?: readonly (keyof T)[];
  /** listeners become a vi.fn() that subscribes to nothing and returns its unsubscribe. */
  listeners?: readonly (keyof T)[];
}

/**
 * fakeApi is lib/api as a vi.mock factory returns it: the real module (its
 * enums, error types and helpers) with the fakes in place. A name in both
 * lists is a call.
 */
export function fakeApi<T extends object>(real: T, { calls = [], listeners = [] }: Fakes<T>): T {
  const fake: T = { ...real };
  for (const name of listeners) fake[name] = vi.fn(() => () => {}) as T[keyof T];
  for (const name of calls) fake[name] = vi.fn() as T[keyof T];
  return fake;
}

/**
 * fakeAppApi is fakeApi for a test of the whole App: what App calls as it
 * mounts (Status, Scopes, Query, Rows, Shown, Tags) and subscribes to (sync
 * progress, index updates, files dropped, marks changed) is always faked, besides the test's own fakes, which win.
 */
export function fakeAppApi<T extends object>(real: T, { calls = [], listeners = [] }: Fakes<T> = {}): T {
  const mount = ['status', 'scopes', 'query', 'rows', 'shown', 'tags'] as (keyof T)[];
  const mountListeners = ['onSyncProgress', 'onIndexUpdated', 'onImportDrop', 'onMarksChanged'] as (keyof T)[];
  return fakeApi(real, { calls: [...mount, ...calls], listeners: [...mountListeners, ...listeners] });
}
