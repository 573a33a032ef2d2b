// The window's own API: the details of one event, the selection across a
// re-query, type-ahead values, preferences, saved views and profiles.
import * as App from '../../../wailsjs/go/app/App';
import type { app, settings } from '../../../wailsjs/go/models';
import { call } from './call';
import { str, list } from './coerce';

export type EventDetail = app.EventDetail;
export type View = app.View;
export type Column = settings.Column;
export type VerifyResult = app.VerifyResult;
export type Gap = app.Gap;
export type ValueField = 'user' | 'action' | 'category';
export type Theme = 'system' | 'light' | 'dark';
export type Density = 'comfortable' | 'compact';

/** Preferences are app.Preferences with the enums spelled out. */
export interface Preferences {
  timeZone: string;
  theme: Theme;
  density: Density;
  columns: Column[];
}

export const defaultPreferences: Preferences = {
  timeZone: 'UTC',
  theme: 'system',
  density: 'comfortable',
  columns: [],
};

export function normalisePreferences(p: app.Preferences | null | undefined): Preferences {
  const theme = p?.theme === 'light' || p?.theme === 'dark' ? p.theme : 'system';
  return {
    timeZone: str(p?.timeZone) || 'UTC',
    theme,
    density: p?.density === 'compact' ? 'compact' : 'comfortable',
    columns: list(p?.columns).map((c) => ({ key: str(c?.key), width: c?.width ?? 0, hidden: c?.hidden === true })),
  };
}

function normaliseView(v: app.View): View {
  const f = v?.query?.filter;
  return {
    name: str(v?.name),
    about: str(v?.about),
    builtIn: v?.builtIn === true,
    columns: list(v?.columns),
    query: {
      sort: str(v?.query?.sort),
      desc: v?.query?.desc === true,
      filter: {
        search: str(f?.search),
        scope: str(f?.scope),
        categories: list(f?.categories),
        actions: list(f?.actions),
        status: str(f?.status),
        users: list(f?.users),
        workspace: str(f?.workspace),
        from: str(f?.from),
        to: str(f?.to),
        timeZone: str(f?.timeZone),
      },
    },
  };
}

/** event is row offset of a query's result with every field, details pretty-printed. */
export async function event(queryId: number, offset: number): Promise<EventDetail> {
  return await call(() => App.Event(queryId, offset));
}

/** locate is the row of event id in a query's result, -1 when the view does not hold it. */
export async function locate(queryId: number, id: string): Promise<number> {
  const i = await call(() => App.Locate(queryId, id));
  return typeof i === 'number' ? i : -1;
}

/** values lists a column's values containing substring, most frequent first. */
export async function values(field: ValueField, substring: string, limit = 50): Promise<app.FacetCount[]> {
  return list(await call(() => App.Values(field, substring, limit)));
}

export async function preferences(): Promise<Preferences> {
  return normalisePreferences(await call(App.Preferences));
}

/** setPreferences saves; a bad value (an unknown zone) rejects with invalid_input. */
export async function setPreferences(p: Preferences): Promise<Preferences> {
  return normalisePreferences(await call(() => App.SetPreferences(p)));
}

/** views lists the built-in views, then the saved ones by name. */
export async function views(): Promise<View[]> {
  return list(await call(App.Views)).map(normaliseView);
}

export async function saveView(v: View): Promise<View[]> {
  return list(await call(() => App.SaveView(v))).map(normaliseView);
}

export async function deleteView(name: string): Promise<View[]> {
  return list(await call(() => App.DeleteView(name))).map(normaliseView);
}

export async function profiles(): Promise<app.Profile[]> {
  return list(await call(App.Profiles));
}

/** verifyCache recomputes every event's hash and the chain; problems come as lines. */
/** normaliseGaps makes Go's gaps whole: null as [], missing fields empty. */
export function normaliseGaps(v: Gap[] | null | undefined): Gap[] {
  return list(v).map((g) => ({ start: str(g?.start), end: str(g?.end), pastRetention: g?.pastRetention === true }));
}

export async function verifyCache(): Promise<VerifyResult> {
  const r = await call(App.VerifyCache);
  return {
    ok: r?.ok === true,
    events: r?.events ?? 0,
    records: r?.records ?? 0,
    head: str(r?.head),
    altered: r?.altered ?? 0,
    added: r?.added ?? 0,
    removed: r?.removed ?? 0,
    chainBroken: r?.chainBroken === true,
    problems: list(r?.problems),
    covered: list(r?.covered),
    gaps: normaliseGaps(r?.gaps),
  };
}
