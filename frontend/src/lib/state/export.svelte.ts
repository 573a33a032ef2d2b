import * as api from '../api';
import { exportCancelledText, exportedText, reportedText, reportOptions } from '../exporting';
import { dialogs as appDialogs, type DialogState } from './dialogs.svelte';
import { errors as appErrors, requestCancel, type ErrorState } from './errors.svelte';
import { filter as appFilter, type FilterState } from './filter.svelte';
import { groupBy as appGroupBy, type GroupByState } from './groupby.svelte';
import { notices as appNotices, type NoticeState } from './notices.svelte';
import { query as appQuery, queryRequest, type QueryState } from './query.svelte';

/**
 * ExportState runs Export: the dialog's choices (kept for the next export
 * in this session), the save dialog, the running export's progress for
 * the strip, Cancel, and each ending's message: a notice with the file's
 * hash for success, a quiet notice for cancel, the banner otherwise. The
 * view exported is the one the table shows: the same filter and sort. A
 * report is an XLSX of the view with a Summary, its Findings and a sheet
 * per group-by pinned in the group-by panel.
 */
export class ExportState {
  format = $state<api.ExportFormat>(api.app.ExportFormat.XLSX);
  /** A report rather than an export: an XLSX whatever format says. */
  report = $state(false);
  /** CSV only: a UTF-8 byte order mark, without which Excel misreads Japanese and Vietnamese. */
  bom = $state(false);
  /** CSV only: prefix cells starting with = + - @ so a spreadsheet cannot run them. */
  neutralise = $state(true);
  /** The native save dialog is open; the export dialog waits for its answer. */
  choosing = $state(false);
  running = $state(false);
  progress = $state.raw<api.ExportProgress | null>(null);
  cancelling = $state(false);

  private unlisten: (() => void) | null = null;

  private readonly filter: FilterState;
  private readonly query: QueryState;
  private readonly dialogs: DialogState;
  private readonly errors: ErrorState;
  private readonly notices: NoticeState;
  private readonly groupBy: GroupByState;

  constructor(
    filter = appFilter,
    query = appQuery,
    dialogs = appDialogs,
    errors = appErrors,
    notices = appNotices,
    groupBy = appGroupBy,
  ) {
    this.filter = filter;
    this.query = query;
    this.dialogs = dialogs;
    this.errors = errors;
    this.notices = notices;
    this.groupBy = groupBy;
  }

  start(): void {
    this.unlisten ??= api.onExportProgress((p) => {
      // Go's last events may trail its reply; a finished export shows none.
      if (this.running) this.progress = p;
    });
  }

  stop(): void {
    this.unlisten?.();
    this.unlisten = null;
  }

  /** open shows the export dialog (Ctrl+E, the toolbar); not while one export runs. */
  open(): void {
    if (this.running || this.dialogs.open) return;
    this.dialogs.openExport();
  }

  close(): void {
    this.dialogs.close();
  }

  /**
   * run asks where to save, then exports the current view there. A
   * dismissed save dialog leaves the export dialog open, to try again or
   * cancel. It resolves once the export has ended, however it ended.
   */
  async run(): Promise<void> {
    if (this.running || this.choosing) return;
    // Taken now: the modal dialog keeps the filters and sort as they are.
    const view = queryRequest(this.filter, this.query.sort, this.query.timeZone);
    const report = this.report ? reportOptions(this.groupBy.pinned) : undefined;
    const format = report ? api.app.ExportFormat.XLSX : this.format;
    const csv = format === 'csv';
    this.choosing = true;
    let path: string;
    try {
      path = report ? await api.chooseReportFile() : await api.chooseExportFile(format);
    } catch (e) {
      this.dialogs.close();
      this.errors.show(e);
      return;
    } finally {
      this.choosing = false;
    }
    if (path === '') return;
    this.dialogs.close();
    this.running = true;
    this.progress = null;
    this.errors.dismiss();
    try {
      const res = await api.exportView({
        query: view,
        path,
        format,
        bom: csv && this.bom,
        keepFormulas: csv && !this.neutralise,
        ...(report ? { report } : {}),
      });
      const text = res.report ? reportedText(res.rows, res.findings, res.path) : exportedText(res.rows, res.path);
      this.notices.show('success', text, {
        actions: [{ label: 'Show in folder', run: () => void this.showFile(res.path) }],
        code: { label: 'SHA-256', value: res.sha256 },
      });
    } catch (e) {
      const err = api.toApiError(e);
      if (err.code === api.app.ErrorCode.Cancelled) this.notices.show('neutral', exportCancelledText);
      else this.errors.show(err);
    } finally {
      this.running = false;
      this.cancelling = false;
      this.progress = null;
    }
  }

  /** cancel stops the running export; its run ends with the cancelled notice. */
  async cancel(): Promise<void> {
    if (!this.running || this.cancelling) return;
    await requestCancel(this, this.errors, () => api.cancelExport());
  }

  async showFile(path: string): Promise<void> {
    try {
      await api.showFile(path);
    } catch (e) {
      this.errors.show(e);
    }
  }
}

export const exporter = new ExportState();
