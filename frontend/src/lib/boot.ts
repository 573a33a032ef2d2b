// What Go's /boot.js puts in window.auditdeskBoot before the app runs
// (app/boot.go): the page's first query and first paint read it instead
// of waiting for a call to Go.
import type * as api from './api';

export interface Boot {
  /** The saved display settings, as Preferences.Get gives them. */
  preferences?: api.Preferences;
  /** Go's GOOS: app.css picks the fonts by it (data-os). */
  os?: string;
  /** The status, as Profiles.Status gives it; null when it failed. */
  status?: api.Status | null;
  /** The answer to the first query (the whole view, newest first); null without one. */
  first?: BootQuery | null;
}

/** BootQuery is a query Go answered before the page ran: what it asked, and the answer. */
export interface BootQuery {
  request: api.QueryRequest;
  result: api.QueryResult;
}

/** boot is window.auditdeskBoot; empty without the script (tests, a page opened without Go). */
export function boot(): Boot {
  return (globalThis as { auditdeskBoot?: Boot }).auditdeskBoot ?? {};
}
