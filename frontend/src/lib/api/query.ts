// The query API's shapes as the UI uses them, and the index:updated event.
// Go sends empty lists as [] today; the normalisers make null and missing
// fields harmless anyway, as for Status and Scopes.
import { EventsOn } from '../../../wailsjs/runtime/runtime';
import type { app, audit } from '../../../wailsjs/go/models';
import { num, str, list } from './coerce';

export type QueryRequest = app.QueryRequest;
export type QueryResult = app.QueryResult;
export type Row = app.Row;
export type RowsResult = app.RowsResult;
export type Facets = app.Facets;
export type FacetCount = app.FacetCount;
export type Bucket = app.Bucket;
export type FilterText = audit.FilterText;

/** SortField is a sortable column: Go's audit.SortFields. */
export type SortField =
  'timestamp' | 'user' | 'scope' | 'category' | 'action' | 'target' | 'status' | 'description' | 'workspace';

export const sortFields: readonly SortField[] = [
  'timestamp',
  'user',
  'scope',
  'category',
  'action',
  'target',
  'status',
  'description',
  'workspace',
];

/** IndexUpdate is one "index:updated" event: a sync put new events in the index. */
export interface IndexUpdate {
  profile: string;
  /** Events in the new snapshot. */
  events: number;
  /** Events it adds to the one before. */
  added: number;
}

export const indexUpdatedEvent = 'index:updated';

export function normaliseResult(r: QueryResult): QueryResult {
  const f = r?.facets;
  return {
    id: num(r?.id),
    total: num(r?.total),
    events: num(r?.events),
    newest: str(r?.newest),
    facets: {
      scopes: list(f?.scopes),
      categories: list(f?.categories),
      statuses: list(f?.statuses),
      users: list(f?.users),
    },
    histogram: list(r?.histogram),
    sort: str(r?.sort),
    timeZone: str(r?.timeZone),
    elapsedMs: num(r?.elapsedMs),
  };
}

export function normaliseRows(r: RowsResult): RowsResult {
  return { queryId: num(r?.queryId), offset: num(r?.offset), rows: list(r?.rows) };
}

interface RuntimeWindow {
  runtime?: { EventsOnMultiple?: unknown };
}

/**
 * onIndexUpdated calls cb whenever a sync has grown the index, and returns
 * the unsubscribe function; outside Wails it is a no-op.
 */
export function onIndexUpdated(cb: (u: IndexUpdate) => void): () => void {
  if (typeof window === 'undefined' || !(window as RuntimeWindow).runtime?.EventsOnMultiple) {
    return () => {};
  }
  return EventsOn(indexUpdatedEvent, (data: unknown) => {
    const u = (data !== null && typeof data === 'object' ? data : {}) as Record<string, unknown>;
    cb({ profile: str(u.profile), events: num(u.events), added: num(u.added) });
  });
}
