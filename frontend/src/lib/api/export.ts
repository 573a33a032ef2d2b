// The export API's shapes, the export:progress event and the clipboard.
// The progress payload is not a bound method's result, so Wails generates
// no type for it; ExportProgress mirrors app.ExportProgress.
import { ClipboardSetText, EventsOn } from '../../../wailsjs/runtime/runtime';
import type { app } from '../../../wailsjs/go/models';
import { num, str } from './coerce';

export type ExportRequest = app.ExportRequest;
export type ExportResult = app.ExportResult;
export type ActivityEntry = app.ActivityEntry;

/** ExportFormat is what Go's export.FormatFor accepts. */
export type ExportFormat = 'csv' | 'xlsx';

/** ExportProgress is one "export:progress" event: rows written of the view's total. */
export interface ExportProgress {
  rows: number;
  /** 0 until the query has counted the view. */
  total: number;
  done: boolean;
}

export const exportProgressEvent = 'export:progress';

const obj = (v: unknown): Record<string, unknown> =>
  (v !== null && typeof v === 'object' ? v : {}) as Record<string, unknown>;

export function normaliseExportProgress(raw: unknown): ExportProgress {
  const p = obj(raw);
  return { rows: num(p.rows), total: num(p.total), done: p.done === true };
}

export function normaliseExportResult(raw: unknown): ExportResult {
  const r = obj(raw);
  return {
    path: str(r.path),
    manifest: str(r.manifest),
    format: str(r.format),
    rows: num(r.rows),
    sha256: str(r.sha256),
    bytes: num(r.bytes),
  };
}

export function normaliseActivity(raw: unknown): ActivityEntry[] {
  if (!Array.isArray(raw)) return [];
  return raw.map((v) => {
    const e = obj(v);
    return {
      time: str(e.time),
      kind: str(e.kind),
      osUser: str(e.osUser),
      user: str(e.user),
      file: str(e.file),
      format: str(e.format),
      rows: num(e.rows),
      sha256: str(e.sha256),
      filter: str(e.filter),
      sort: str(e.sort),
    };
  });
}

interface RuntimeWindow {
  runtime?: { EventsOnMultiple?: unknown; ClipboardSetText?: unknown };
}

const runtime = () => (typeof window === 'undefined' ? undefined : (window as RuntimeWindow).runtime);

/** onExportProgress calls cb with every export progress event; outside Wails it is a no-op. */
export function onExportProgress(cb: (p: ExportProgress) => void): () => void {
  if (!runtime()?.EventsOnMultiple) return () => {};
  return EventsOn(exportProgressEvent, (data: unknown) => cb(normaliseExportProgress(data)));
}

/**
 * copyText puts text on the clipboard. Through Wails where it can: the
 * webview's navigator.clipboard needs a secure context it may not have.
 */
export async function copyText(text: string): Promise<boolean> {
  if (runtime()?.ClipboardSetText) return ClipboardSetText(text);
  if (typeof navigator === 'undefined' || !navigator.clipboard) return false;
  await navigator.clipboard.writeText(text);
  return true;
}
