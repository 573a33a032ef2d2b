// The Query service: filter, count and sort the open profile's events,
// read a result's rows, one event whole, the filters' values; and the
// index:updated event.
import * as Query from '../../../wailsjs/go/app/Query';
import { EventsOn } from '../../../wailsjs/runtime/runtime';
import { audit, query as queryEnums, type app } from '../../../wailsjs/go/models';
import { call, object, runtime } from './call';
import { num, str } from './coerce';

export type QueryRequest = app.QueryRequest;
export type QueryResult = app.QueryResult;
export type Row = app.Row;
export type RowsResult = app.RowsResult;
export type Facets = app.Facets;
export type FacetCount = app.FacetCount;
export type Bucket = app.Bucket;
export type FilterText = audit.FilterText;
export type EventDetail = app.EventDetail;
export type ScopeCategories = app.ScopeCategories;
export type SortField = audit.SortField;
export type ValueField = queryEnums.ValueField;
/** ValueField names the columns values() lists. */
export const ValueField = queryEnums.ValueField;
export type SummaryResult = app.SummaryResult;
export type SummaryGroup = app.SummaryGroup;
export type GroupKey = app.GroupKey;
export type GroupField = queryEnums.GroupField;
/** GroupField names what summarize() groups by. */
export const GroupField = queryEnums.GroupField;

/** groupFields are the fields a group-by takes, in the order Go offers them (query.GroupFields). */
export const groupFields: readonly GroupField[] = [
  GroupField.User,
  GroupField.Action,
  GroupField.Scope,
  GroupField.Category,
  GroupField.Status,
  GroupField.Target,
  GroupField.Workspace,
  GroupField.Day,
  GroupField.Week,
  GroupField.Month,
];

/** sortFields are the sortable columns, in the table's order. */
export const sortFields: readonly SortField[] = [
  audit.SortField.Timestamp,
  audit.SortField.User,
  audit.SortField.Scope,
  audit.SortField.Category,
  audit.SortField.Action,
  audit.SortField.Target,
  audit.SortField.Status,
  audit.SortField.Description,
  audit.SortField.Workspace,
];

/**
 * query filters, counts and sorts the current profile's cached events. A
 * bad filter value rejects with invalid_input naming the field.
 */
export async function query(req: QueryRequest): Promise<QueryResult> {
  return call(() => Query.Run(req));
}

/**
 * rows reads rows [offset, offset+limit) of a query's result (at most 2,000).
 * A result Go no longer holds rejects with query_gone: run the query again.
 */
export async function rows(queryId: number, offset: number, limit: number): Promise<RowsResult> {
  return call(() => Query.Rows(queryId, offset, limit));
}

/**
 * shown tells Go that the window has painted its first rows, rows of query
 * queryId: Go logs the first time, the line the window's start is timed by.
 */
export async function shown(queryId: number, rows: number): Promise<void> {
  return call(() => Query.Shown(queryId, rows));
}

/** event is row offset of a query's result with every field, details pretty-printed. */
export async function event(queryId: number, offset: number): Promise<EventDetail> {
  return call(() => Query.Event(queryId, offset));
}

/** locate is the row of event id in a query's result, -1 when the view does not hold it. */
export async function locate(queryId: number, id: string): Promise<number> {
  return call(() => Query.Locate(queryId, id));
}

/**
 * values lists a column's values containing substring, most frequent first,
 * counted in the view filter shows less its own filter on field.
 */
export async function values(
  filter: FilterText,
  field: ValueField,
  substring: string,
  limit = 50,
): Promise<FacetCount[]> {
  return call(() => Query.Values(filter, field, substring, limit));
}

/**
 * summarize counts the events of a query's result by one or two fields,
 * largest first: the top groups (all when top is 0, at most 1,000) and the
 * rest summed. A result Go no longer holds rejects with query_gone.
 */
export async function summarize(queryId: number, by: GroupField[], top: number): Promise<SummaryResult> {
  return call(() => Query.Summarize(queryId, by, top));
}

/** scopes lists the scopes, in console order, each with its categories. */
export async function scopes(): Promise<ScopeCategories[]> {
  return call(Query.Scopes);
}

/** IndexUpdate is one "index:updated" event: a sync put new events in the index. */
export interface IndexUpdate {
  profile: string;
  /** Events in the new snapshot. */
  events: number;
  /** Events it adds to the one before. */
  added: number;
}

export const indexUpdatedEvent = 'index:updated';

/**
 * onIndexUpdated calls cb whenever a sync has grown the index, and returns
 * the unsubscribe function; outside Wails it is a no-op.
 */
export function onIndexUpdated(cb: (u: IndexUpdate) => void): () => void {
  if (!runtime()?.EventsOnMultiple) return () => {};
  return EventsOn(indexUpdatedEvent, (data: unknown) => {
    const u = object(data);
    cb({ profile: str(u.profile), events: num(u.events), added: num(u.added) });
  });
}
