// Shared fixtures of the UI tests: statuses and profiles as Go sends them,
// and the set-up the App tests share.
import { render, screen, waitFor, within } from '@testing-library/svelte';
import type { Component } from 'svelte';
import { expect, vi } from 'vitest';
import * as api from './lib/api';
import {
  audit,
  type FilterText,
  normaliseProgress,
  type Profile,
  type QueryRequest,
  type QueryResult,
  type Row,
  type RowsResult,
  type ScopeCategories,
  type Status,
  type SyncProgress,
} from './lib/api';

export const emptyStatus: Status = {
  version: '0.1.0-dev',
  dataDir: '/tmp/auditdesk',
  profile: undefined,
  events: 0,
  lastSynced: '',
  lastSyncError: '',
  lastSyncCancelled: false,
  lastSuccess: '',
  oldest: '',
  newest: '',
  syncing: false,
  autoDemo: false,
  notice: '',
  chainHead: '',
  gaps: [],
};

export const acme: Profile = {
  name: 'acme/alice',
  apiUrl: 'https://acme.example/api',
  organization: 'Acme',
  user: 'alice',
  role: audit.Role.ORGANIZATION_OWNER,
  workspaces: ['Main'],
  demo: false,
  imported: false,
  files: 0,
};

export const demo: Profile = {
  name: 'demo-org/owner',
  apiUrl: 'demo://simulator',
  organization: 'Demo Org',
  user: 'owner@demo.example',
  role: audit.Role.ORGANIZATION_OWNER,
  workspaces: [],
  demo: true,
  imported: false,
  files: 0,
};

export const progress = (over: Partial<SyncProgress>): SyncProgress => ({ ...normaliseProgress({}), ...over });

/** queryResult is a QueryResult as Go sends it, with what a test does not care about filled in. */
export const queryResult = (over: Partial<QueryResult>): QueryResult => ({
  id: 1,
  total: 0,
  events: 0,
  newest: '',
  facets: { scopes: [], categories: [], statuses: [], users: [] },
  histogram: [],
  sort: 'timestamp:desc',
  timeZone: 'UTC',
  elapsedMs: 1,
  rows: [],
  ...over,
});

/** row makes row i of query id: its id says both, so a test sees where a row came from. */
export const row = (id: number, i: number, over: Partial<Row> = {}): Row => ({
  id: `${id}-${i}`,
  timestamp: `2026-11-26 ${String(23 - (i % 24)).padStart(2, '0')}:00:00`,
  time: '2026-11-26T00:00:00.000Z',
  user: `user${i}@acme.example`,
  scope: audit.Scope.Service,
  category: 'AI Notebook',
  action: 'Start Notebook',
  target: `notebook-${i}`,
  status: i % 7 === 3 ? audit.Status.FAILED : audit.Status.SUCCESS,
  description: `Started notebook-${i}.`,
  workspace: 'Main',
  workspaceId: 'ws-1',
  source_ip: `203.0.113.${i % 250}`,
  new: false,
  tags: [],
  ...over,
});

/** rowsFor answers Rows(id, offset, limit) like Go, as far as a test needs. */
export const rowsFor = (id: number, offset: number, limit: number): RowsResult => ({
  queryId: id,
  offset,
  rows: Array.from({ length: limit }, (_, k) => row(id, offset + k)),
});

/** filterText is a filter with every field empty but those given. */
export const filterText = (over: Partial<FilterText> = {}): FilterText => ({
  search: '',
  scope: '',
  categories: [],
  actions: [],
  status: '',
  users: [],
  targets: [],
  workspace: '',
  tags: [],
  from: '',
  to: '',
  timeZone: '',
  ...over,
});

/** FakeCache is what fakeCache makes the mocked lib/api answer. */
export interface FakeCache {
  status: Status;
  /** query answers the n-th Query of the test (from 1). */
  query: (req: QueryRequest, n: number) => QueryResult;
  scopes?: ScopeCategories[];
}

/**
 * fakeCache resets the App tests' mocked Status, Scopes, Query, Rows and
 * Tags to answer from one cache: Status with status, Scopes with scopes
 * (none if not given), Query with query, Rows with rowsFor and Tags with
 * no marks.
 */
export function fakeCache({ status, query, scopes = [] }: FakeCache): void {
  vi.mocked(api.status).mockReset().mockResolvedValue(status);
  vi.mocked(api.scopes).mockReset().mockResolvedValue(scopes);
  let n = 0;
  vi.mocked(api.query)
    .mockReset()
    .mockImplementation(async (req) => query(req, ++n));
  vi.mocked(api.rows)
    .mockReset()
    .mockImplementation(async (id, offset, limit) => rowsFor(id, offset, limit));
  vi.mocked(api.tags).mockReset().mockResolvedValue(noTags);
}

/** noTags is Tags() of a profile with no marks: the builtin tags, none used. */
export const noTags: api.TagCount[] = [
  { tag: 'finding', n: 0, builtin: true },
  { tag: 'follow-up', n: 0, builtin: true },
  { tag: 'reviewed', n: 0, builtin: true },
];

/**
 * listen resets the mocked subscription subscribe to keep the callbacks it
 * is given (until each unsubscribes), and returns what calls them: the
 * test's way to send an event from Go, to every store that listens.
 */
export function listen<T>(subscribe: (cb: (v: T) => void) => () => void): (v: T) => void {
  const listeners = new Set<(v: T) => void>();
  vi.mocked(subscribe)
    .mockReset()
    .mockImplementation((cb) => {
      listeners.add(cb);
      return () => listeners.delete(cb);
    });
  return (v) => {
    if (listeners.size === 0) throw new Error('nothing has subscribed yet');
    for (const cb of [...listeners]) cb(v);
  };
}

/** texts are the trimmed texts of the elements of role in container, in order. */
export const texts = (container: HTMLElement, role: string) =>
  within(container)
    .getAllByRole(role)
    .map((e) => e.textContent?.trim());

export const grid = () => screen.getByRole('grid', { name: 'Audit events' });
export const dataRows = () => within(grid()).getAllByRole('row').slice(1);
export const cacheStatus = () => screen.getByRole('status', { name: 'Cache status' });
export const notifications = () => screen.getByRole('status', { name: 'Notifications' });

/** renderTable mounts app and waits for the table to show its first row. */
export async function renderTable(app: Component): Promise<void> {
  render(app);
  await waitFor(() => expect(within(grid()).getAllByRole('gridcell')[0]).toHaveTextContent(/\d{4}-\d\d-\d\d/));
}
