// call runs one bound Go method, with Go's errors turned into ApiError.
import { app } from '../../../wailsjs/go/models';
import { ApiError, toApiError } from './errors';

interface WailsWindow {
  go?: { app?: { App?: unknown } };
}

/** connected tells whether the page runs inside Wails with the App bound. */
function connected(): boolean {
  return typeof window !== 'undefined' && !!(window as WailsWindow).go?.app?.App;
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
