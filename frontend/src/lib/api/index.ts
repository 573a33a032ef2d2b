// The typed API of the Go backend. This is the only module that imports the
// generated Wails bindings, so the rest of the UI tests by mocking it alone.
import * as App from '../../../wailsjs/go/app/App';
import { app, audit } from '../../../wailsjs/go/models';
import { call } from './call';
import { ApiError, toApiError } from './errors';
import {
  normaliseActivity,
  normaliseExportResult,
  type ActivityEntry,
  type ExportFormat,
  type ExportRequest,
  type ExportResult,
} from './export';
import { normaliseResult, normaliseRows, type QueryRequest, type QueryResult, type RowsResult } from './query';
import { normaliseGaps, type Gap } from './window';

export { ApiError, toApiError };
export * from './window';
export { normaliseProgress, onSyncProgress, syncProgressEvent, type SyncProgress } from './sync';
export {
  copyText,
  exportProgressEvent,
  normaliseExportProgress,
  onExportProgress,
  type ActivityEntry,
  type ExportFormat,
  type ExportProgress,
  type ExportRequest,
  type ExportResult,
} from './export';
export {
  indexUpdatedEvent,
  onIndexUpdated,
  sortFields,
  type Bucket,
  type FacetCount,
  type Facets,
  type FilterText,
  type IndexUpdate,
  type QueryRequest,
  type QueryResult,
  type Row,
  type RowsResult,
  type SortField,
} from './query';
// The enums Go shares with the UI (app.ErrorCode, audit.Scope, audit.Status,
// audit.Role), re-exported so components use them without reaching into wailsjs.
export { app, audit };

export type Profile = app.Profile;
export type ScopeCategories = app.ScopeCategories;

/** Status is app.Status with "no profile" always spelled null. */
export interface Status {
  version: string;
  dataDir: string;
  profile: Profile | null;
  events: number;
  /** RFC 3339 in UTC, or "" when never synced. Set by failed attempts too. */
  lastSynced: string;
  /** One line: why the last sync failed or was cancelled; "" when it succeeded. */
  lastSyncError: string;
  /** The last sync was cancelled by the user (lastSyncError says so too). */
  lastSyncCancelled: boolean;
  /** RFC 3339 in UTC: when a sync last finished; "" when none has. */
  lastSuccess: string;
  /** The cache's time range, RFC 3339, or "" when empty. */
  oldest: string;
  newest: string;
  syncing: boolean;
  /** A first launch with no profile: the window should open the demo. */
  autoDemo: boolean;
  /** Something to tell the user, e.g. why the token will be asked for again. */
  notice: string;
  /** The cache's hash-chain head, hex; "" when nothing was synced. */
  chainHead: string;
  /** Periods between the oldest and newest event no sync finished for. */
  gaps: Gap[];
}

function normaliseStatus(s: app.Status): Status {
  // Go sends a nil profile as null; older bindings may omit it entirely.
  return {
    version: s?.version ?? '',
    dataDir: s?.dataDir ?? '',
    profile: s?.profile ?? null,
    events: typeof s?.events === 'number' ? s.events : 0,
    lastSynced: s?.lastSynced ?? '',
    lastSyncError: s?.lastSyncError ?? '',
    lastSyncCancelled: s?.lastSyncCancelled === true,
    lastSuccess: s?.lastSuccess ?? '',
    oldest: s?.oldest ?? '',
    newest: s?.newest ?? '',
    syncing: s?.syncing === true,
    autoDemo: s?.autoDemo === true,
    notice: s?.notice ?? '',
    chainHead: s?.chainHead ?? '',
    gaps: normaliseGaps(s?.gaps),
  };
}

/** status reports the current profile and cache figures. */
export async function status(): Promise<Status> {
  return normaliseStatus(await call(App.Status));
}

/** scopes lists the scopes, in console order, each with its categories. */
export async function scopes(): Promise<ScopeCategories[]> {
  const list = (await call(App.Scopes)) ?? [];
  return list.map((s) => ({ scope: s.scope, categories: s.categories ?? [] }));
}

/** refresh syncs the current profile's cache and returns the new status. */
export async function refresh(): Promise<Status> {
  return normaliseStatus(await call(App.Refresh));
}

/** openDemo syncs the demo platform's profile and makes it current. */
export async function openDemo(): Promise<Status> {
  return normaliseStatus(await call(App.OpenDemo));
}

/** connect checks the identity behind a token, makes its profile current and syncs it. */
export async function connect(apiUrl: string, token: string): Promise<Status> {
  return normaliseStatus(await call(() => App.Connect(apiUrl, token)));
}

/** provideToken gives the current profile's token (when Go has none), then syncs. */
export async function provideToken(token: string): Promise<Status> {
  return normaliseStatus(await call(() => App.ProvideToken(token)));
}

/** cancelRefresh stops the running sync; its awaited call rejects with "cancelled". */
export async function cancelRefresh(): Promise<void> {
  await call(App.CancelRefresh);
}

/**
 * chooseExportFile asks, in the native save dialog, where to write a file
 * of format; "" when the user dismissed the dialog.
 */
export async function chooseExportFile(format: ExportFormat): Promise<string> {
  return (await call(() => App.ChooseExportFile(format))) ?? '';
}

/**
 * exportView writes the view req.query asks for to req.path with its
 * manifest. CancelExport makes it reject with "cancelled", leaving no file.
 */
export async function exportView(req: ExportRequest): Promise<ExportResult> {
  return normaliseExportResult(await call(() => App.Export(req)));
}

/** cancelExport stops the running export. */
export async function cancelExport(): Promise<void> {
  await call(App.CancelExport);
}

/** showFile opens the folder holding path in the desktop's file manager. */
export async function showFile(path: string): Promise<void> {
  await call(() => App.ShowFile(path));
}

/** activity lists the current profile's activity log (its exports), newest first. */
export async function activity(): Promise<ActivityEntry[]> {
  return normaliseActivity(await call(App.Activity));
}

/**
 * query filters, counts and sorts the current profile's cached events. A
 * bad filter value rejects with invalid_input naming the field.
 */
export async function query(req: QueryRequest): Promise<QueryResult> {
  return normaliseResult(await call(() => App.Query(req)));
}

/**
 * rows reads rows [offset, offset+limit) of a query's result (at most 2,000).
 * A result Go no longer holds rejects with query_gone: run the query again.
 */
export async function rows(queryId: number, offset: number, limit: number): Promise<RowsResult> {
  return normaliseRows(await call(() => App.Rows(queryId, offset, limit)));
}

/** switchProfile makes the named profile current (its local cache only) and returns the status. */
export async function switchProfile(name: string): Promise<Status> {
  return normaliseStatus(await call(() => App.SwitchProfile(name)));
}
