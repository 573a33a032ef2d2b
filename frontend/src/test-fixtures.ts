// Shared fixtures of the UI tests: statuses and profiles as Go sends them.
import {
  audit,
  type FilterText,
  normaliseProgress,
  type Profile,
  type QueryResult,
  type Row,
  type RowsResult,
  type Status,
  type SyncProgress,
} from './lib/api';

export const emptyStatus: Status = {
  version: '0.1.0-dev',
  dataDir: '/tmp/auditdesk',
  profile: null,
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
};

export const demo: Profile = {
  name: 'demo-org/owner',
  apiUrl: 'demo://simulator',
  organization: 'Demo Org',
  user: 'owner@demo.example',
  role: audit.Role.ORGANIZATION_OWNER,
  workspaces: [],
  demo: true,
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
  new: false,
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
  workspace: '',
  from: '',
  to: '',
  timeZone: '',
  ...over,
});
