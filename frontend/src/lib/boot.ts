// What Go's /boot.js puts in window.auditdeskBoot before the app runs
// (app/boot.go): the page's first query and first paint read it instead
// of waiting for a call to Go.
import type * as api from './api';

export interface Boot {
  /** The saved display settings, as Preferences.Get gives them. */
  preferences?: api.Preferences;
  /** Go's GOOS: app.css picks the fonts by it (data-os). */
  os?: string;
}

/** boot is window.auditdeskBoot; empty without the script (tests, a page opened without Go). */
export function boot(): Boot {
  return (globalThis as { auditdeskBoot?: Boot }).auditdeskBoot ?? {};
}
