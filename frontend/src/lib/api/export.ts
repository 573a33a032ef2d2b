// The Export service: write the view to CSV or XLSX, or a report of it
// (req.report), with its manifest; cancel, show the file; the
// export:progress event and the clipboard. The progress payload is not a
// bound method's result, so Wails generates no type for it;
// ExportProgress mirrors app.ExportProgress.
import * as Export from '../../../wailsjs/go/app/Export';
import { ClipboardSetText, EventsOn } from '../../../wailsjs/runtime/runtime';
import type { app } from '../../../wailsjs/go/models';
import { call, object, runtime } from './call';
import { num } from './coerce';

export type ExportRequest = app.ExportRequest;
export type ExportResult = app.ExportResult;
export type ExportFormat = app.ExportFormat;
export type ReportOptions = app.ReportOptions;

/**
 * chooseExportFile asks, in the native save dialog, where to write a file
 * of format; "" when the user dismissed the dialog.
 */
export async function chooseExportFile(format: ExportFormat): Promise<string> {
  return call(() => Export.ChooseFile(format));
}

/** chooseReportFile asks, in the native save dialog, where to write a report (.xlsx); "" when dismissed. */
export async function chooseReportFile(): Promise<string> {
  return call(Export.ChooseReport);
}

/**
 * exportView writes the view req.query asks for to req.path with its
 * manifest. cancelExport makes it reject with "cancelled", leaving no file.
 */
export async function exportView(req: ExportRequest): Promise<ExportResult> {
  return call(() => Export.Run(req));
}

/** cancelExport stops the running export. */
export async function cancelExport(): Promise<void> {
  await call(Export.Cancel);
}

/** showFile opens the folder holding path in the desktop's file manager. */
export async function showFile(path: string): Promise<void> {
  await call(() => Export.ShowFile(path));
}

/** ExportProgress is one "export:progress" event: rows written of the view's total. */
export interface ExportProgress {
  rows: number;
  /** 0 until the query has counted the view. */
  total: number;
  done: boolean;
}

export const exportProgressEvent = 'export:progress';

export function normaliseExportProgress(raw: unknown): ExportProgress {
  const p = object(raw);
  return { rows: num(p.rows), total: num(p.total), done: p.done === true };
}

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
