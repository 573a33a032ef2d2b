import * as api from '../api';
import { dialogs as appDialogs, type DialogState } from './dialogs.svelte';
import { errors as appErrors, type ErrorState } from './errors.svelte';

/**
 * DropState is files dropped on the window. A web page never learns a
 * dropped file's path, so Go hears the drop (Wails's file drop) and says
 * so with "import:drop": the Import dialog then opens with the files and
 * previews them, as after "Choose files…". A drop Go refuses (an import,
 * an export or a sync runs, or it held no file) is said, never swallowed:
 * in the Import dialog when it is open (an import runs in it), else in the
 * banner. It also holds the drop target's state while files are dragged
 * over the window (DropOverlay).
 */
export class DropState {
  /** Files are being dragged over the window: the drop target shows. */
  dragging = $state(false);
  /** The files dropped, for the Import dialog to take. */
  files = $state.raw<string[] | null>(null);
  /** Why the last drop could not start an import, for the open Import dialog to say. */
  refused = $state('');

  // dragenter and dragleave come in pairs, one per element crossed: the
  // drag has left the window when they balance.
  private depth = 0;
  private unlisten: (() => void) | null = null;
  private readonly dialogs: DialogState;
  private readonly errors: ErrorState;

  constructor(dialogs = appDialogs, errors = appErrors) {
    this.dialogs = dialogs;
    this.errors = errors;
  }

  start(): void {
    this.unlisten ??= api.onImportDrop((d) => this.handle(d));
  }

  stop(): void {
    this.unlisten?.();
    this.unlisten = null;
  }

  /** handle is Go's word of a drop: the dialog opens with the files, or the refusal is said. */
  handle(d: api.ImportDrop): void {
    this.hide();
    if (d.refused !== '') {
      if (this.dialogs.import) this.refused = d.refused;
      else this.errors.show(new api.ApiError(api.app.ErrorCode.Busy, d.refused));
      return;
    }
    if (d.paths.length === 0) return;
    this.refused = '';
    this.files = d.paths;
    // An open dialog takes the files as they come; another dialog gives way.
    if (!this.dialogs.import) this.dialogs.openImport();
  }

  /** take hands the dropped files to the Import dialog, once. */
  take(): string[] | null {
    const files = this.files;
    this.files = null;
    return files;
  }

  clear(): void {
    this.files = null;
    this.refused = '';
    this.hide();
  }

  /*
   * The page's drag events, for the drop target. They must cancel a file
   * drag's default (dragover and drop), or the web view opens the dropped
   * file in place of the app. WebKitGTK knows a drag from a file manager
   * only as "text/uri-list" until the drop (Chromium says "Files"); a
   * link's drag says the same, and Go then says it held no file.
   */

  dragEnter(e: DragEvent): void {
    if (!carriesFiles(e)) return;
    e.preventDefault();
    this.depth++;
    this.dragging = true;
  }

  dragOver(e: DragEvent): void {
    if (!carriesFiles(e)) return;
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    this.dragging = true;
  }

  dragLeave(e: DragEvent): void {
    if (!carriesFiles(e)) return;
    this.depth = Math.max(0, this.depth - 1);
    if (this.depth === 0) this.hide();
  }

  drop(e: DragEvent): void {
    if (!carriesFiles(e)) return;
    e.preventDefault();
    this.hide();
  }

  /**
   * pointerMoved: no drag runs while the pointer moves over the page (a
   * drag sends dragover instead), so a target left showing (a dragleave
   * the engine never sent) goes. No timer does it: WebKitGTK sends no
   * dragover while the pointer rests.
   */
  pointerMoved(): void {
    if (this.dragging) this.hide();
  }

  private hide(): void {
    this.depth = 0;
    this.dragging = false;
  }
}

/** carriesFiles: a drag of files from outside, as Chromium ("Files") and WebKitGTK ("text/uri-list") say it. */
function carriesFiles(e: DragEvent): boolean {
  const types = Array.from(e.dataTransfer?.types ?? []);
  return types.includes('Files') || types.includes('text/uri-list');
}

export const drop = new DropState();
