// The Import service: choose files, preview how they will be read, import
// them into a case, cancel; the import:progress event. The progress
// payload is not a bound method's result, so Wails generates no type for
// it; ImportProgress mirrors app.ImportProgress.
import * as Import from '../../../wailsjs/go/app/Import';
import { EventsOn } from '../../../wailsjs/runtime/runtime';
import type { app } from '../../../wailsjs/go/models';
import { call, object, runtime } from './call';
import { num, str } from './coerce';

export type ImportOptions = app.ImportOptions;
export type FilePreview = app.FilePreview;
export type ColumnRead = app.ColumnRead;
export type ImportResult = app.ImportResult;
export type ImportedFile = app.ImportedFile;

/** chooseImportFiles asks, in the native open dialog, for the files to import; none when dismissed. */
export async function chooseImportFiles(): Promise<string[]> {
  return call(Import.ChooseFiles);
}

/**
 * previewImport reads the first rows of each file as the import will, and
 * says how; a file that cannot be imported has its error, not a rejection.
 */
export async function previewImport(paths: string[], opt: ImportOptions): Promise<FilePreview[]> {
  return call(() => Import.Preview(paths, opt));
}

/**
 * runImport imports the files into the case opt.case, each whole or not at
 * all, and makes it the window's profile. cancelImport makes it reject with
 * "cancelled", the file it was in rolled back.
 */
export async function runImport(paths: string[], opt: ImportOptions): Promise<ImportResult> {
  return call(() => Import.Run(paths, opt));
}

/** cancelImport stops the running import. */
export async function cancelImport(): Promise<void> {
  await call(Import.Cancel);
}

/** ImportProgress is one "import:progress" event: file index (from 0) of files begins. */
export interface ImportProgress {
  file: string;
  index: number;
  files: number;
  done: boolean;
}

export const importProgressEvent = 'import:progress';

export function normaliseImportProgress(raw: unknown): ImportProgress {
  const p = object(raw);
  return { file: str(p.file), index: num(p.index), files: num(p.files), done: p.done === true };
}

/** onImportProgress calls cb with every import progress event; outside Wails it is a no-op. */
export function onImportProgress(cb: (p: ImportProgress) => void): () => void {
  if (!runtime()?.EventsOnMultiple) return () => {};
  return EventsOn(importProgressEvent, (data: unknown) => cb(normaliseImportProgress(data)));
}

/**
 * ImportDrop is one "import:drop" event: files dropped on the window (Go
 * hears the drop, with the files' paths, which a web page never gets), and
 * why they cannot be imported now ('' when they can). It mirrors
 * app.ImportDrop.
 */
export interface ImportDrop {
  paths: string[];
  refused: string;
}

export const importDropEvent = 'import:drop';

export function normaliseImportDrop(raw: unknown): ImportDrop {
  const d = object(raw);
  const paths = Array.isArray(d.paths) ? d.paths.filter((p): p is string => typeof p === 'string') : [];
  return { paths, refused: str(d.refused) };
}

/** onImportDrop calls cb with every drop of files on the window; outside Wails it is a no-op. */
export function onImportDrop(cb: (d: ImportDrop) => void): () => void {
  if (!runtime()?.EventsOnMultiple) return () => {};
  return EventsOn(importDropEvent, (data: unknown) => cb(normaliseImportDrop(data)));
}
