// call runs one bound Go method, with Go's errors turned into ApiError.
import { app } from '../../../wailsjs/go/models';
import { ApiError, toApiError } from './errors';

interface WailsWindow {
  go?: { app?: object };
}

/** connected tells whether the page runs inside Wails with the app's services bound. */
function connected(): boolean {
  return typeof window !== 'undefined' && !!(window as WailsWindow).go?.app;
}

export async function call<T>(fn: () => Promise<T>): Promise<T> {
  // Outside Wails (vite dev in a browser, vitest) the bindings would fail
  // with a TypeError about window.go; say what is really wrong instead.
  if (!connected()) {
    throw new ApiError(app.ErrorCode.Internal, 'not connected to the AuditDesk backend');
  }
  try {
    return await fn();
  } catch (e) {
    throw toApiError(e);
  }
}

interface RuntimeWindow {
  runtime?: { EventsOnMultiple?: unknown; ClipboardSetText?: unknown };
}

/** runtime is the Wails runtime the window injects; undefined outside Wails. */
export const runtime = () => (typeof window === 'undefined' ? undefined : (window as RuntimeWindow).runtime);

/** object reads an event's payload, which no bound method's type describes. */
export const object = (v: unknown): Record<string, unknown> =>
  (v !== null && typeof v === 'object' ? v : {}) as Record<string, unknown>;
