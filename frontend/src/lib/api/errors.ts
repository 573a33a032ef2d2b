import { app } from '../../../wailsjs/go/models';

const codes = new Set<string>(Object.values(app.ErrorCode));

/**
 * ApiError is every failure of a backend call, as the UI sees it: a code to
 * decide the next step on, and one readable line to show.
 */
export class ApiError extends Error {
  readonly code: app.ErrorCode;

  constructor(code: app.ErrorCode, message: string) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
  }
}

/** oneLine keeps a message to one line, because banners and toasts are one line. */
function oneLine(s: string): string {
  const line = s.split(/\s+/).filter(Boolean).join(' ');
  return line === '' ? 'unknown error' : line;
}

function toCode(v: unknown): app.ErrorCode {
  return typeof v === 'string' && codes.has(v) ? (v as app.ErrorCode) : app.ErrorCode.Internal;
}

/**
 * toApiError turns whatever a rejected binding produced into an ApiError.
 * Go's ErrorFormatter gives `{code, message}` as a JSON string, which the
 * Wails runtime wraps in an Error (it would turn an object into
 * "[object Object]"); a bridge failure or a thrown TypeError give a plain
 * string or Error, and the UI must never show "[object Object]" or raw JSON.
 */
export function toApiError(reason: unknown): ApiError {
  if (reason instanceof ApiError) return reason;
  if (typeof reason === 'string') {
    const parsed = parseJSON(reason);
    if (parsed !== undefined) return toApiError(parsed);
    return new ApiError(app.ErrorCode.Internal, oneLine(reason));
  }
  if (reason !== null && typeof reason === 'object') {
    const { code, message } = reason as { code?: unknown; message?: unknown };
    const text = typeof message === 'string' ? message : '';
    // The Wails runtime wraps the formatter's JSON string in an Error.
    const inner = parseJSON(text);
    if (inner !== undefined) return toApiError(inner);
    return new ApiError(toCode(code), oneLine(text));
  }
  return new ApiError(app.ErrorCode.Internal, 'unknown error');
}

/** parseJSON returns a JSON object in s, or undefined when s is plain text. */
function parseJSON(s: string): object | undefined {
  if (!s.trimStart().startsWith('{')) return undefined;
  try {
    const v: unknown = JSON.parse(s);
    return v !== null && typeof v === 'object' ? v : undefined;
  } catch {
    return undefined;
  }
}
