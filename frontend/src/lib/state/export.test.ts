import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import { acme, emptyStatus, listen } from '../../test-fixtures';
import { DialogState } from './dialogs.svelte';
import { ErrorState } from './errors.svelte';
import { ExportState } from './export.svelte';
import { FilterState } from './filter.svelte';
import { NoticeState } from './notices.svelte';
import { QueryState, queryRequest } from './query.svelte';
import { SessionState } from './status.svelte';
import { SyncState } from './sync.svelte';

vi.mock('../api', async (importOriginal) => {
  const { fakeApi } = await import('../../test-api');
  return fakeApi(await importOriginal<typeof import('../api')>(), {
    calls: ['chooseExportFile', 'exportView', 'cancelExport', 'showFile', 'onExportProgress'],
  });
});

const { app, audit, ApiError } = api;

const result = (over: Partial<api.ExportResult> = {}): api.ExportResult => ({
  path: '/home/alice/Documents/report.xlsx',
  manifest: '/home/alice/Documents/report.xlsx.manifest.json',
  format: api.app.ExportFormat.XLSX,
  rows: 12345,
  sha256: '3f2a9c1d00aa11bb22cc33dd44ee55ff66aa77bb88cc99dd00ee11ff22aa33bb',
  bytes: 1_000_000,
  report: false,
  findings: 0,
  ...over,
});

let emit: (p: api.ExportProgress) => void;
let filter: FilterState;
let query: QueryState;
let dialogs: DialogState;
let errors: ErrorState;
let notices: NoticeState;
let ex: ExportState;

beforeEach(() => {
  for (const fn of [api.chooseExportFile, api.exportView, api.cancelExport, api.showFile]) vi.mocked(fn).mockReset();
  vi.mocked(api.chooseExportFile).mockResolvedValue('/home/alice/Documents/report.xlsx');
  emit = listen(api.onExportProgress);
  filter = new FilterState();
  errors = new ErrorState();
  notices = new NoticeState();
  dialogs = new DialogState();
  const session = new SessionState(errors);
  session.status = { ...emptyStatus, profile: acme, events: 5000 };
  query = new QueryState(filter, session, new SyncState(session, errors), errors);
  ex = new ExportState(filter, query, dialogs, errors, notices);
  ex.start();
});

afterEach(() => {
  ex.stop();
});

const texts = () => notices.list.map((n) => [n.kind, n.text]);

/** pending makes Export run until cancelled, like a long export. */
function pending(): void {
  let reject!: (e: unknown) => void;
  vi.mocked(api.exportView).mockReturnValue(new Promise((_, r) => (reject = r)));
  vi.mocked(api.cancelExport).mockImplementation(async () =>
    reject(new ApiError(app.ErrorCode.Cancelled, 'cancelled')),
  );
}

describe('the export dialog', () => {
  it('opens, unless an export runs or another dialog is open', () => {
    ex.open();
    expect(dialogs.export).toBe(true);
    ex.close();
    dialogs.openConnect();
    ex.open();
    expect(dialogs.export).toBe(false);
    expect(dialogs.connect).toBe(true);
  });
});

describe('run', () => {
  it('asks where, then exports exactly the view the table shows, and says where it went', async () => {
    filter.status = audit.Status.FAILED;
    filter.search = '  voucher ';
    query.sortBy(api.audit.SortField.User);
    vi.mocked(api.exportView).mockResolvedValue(result());
    ex.open();
    await ex.run();
    expect(api.chooseExportFile).toHaveBeenCalledWith('xlsx');
    expect(api.exportView).toHaveBeenCalledWith({
      query: queryRequest(filter, { field: api.audit.SortField.User, desc: false }, 'UTC'),
      path: '/home/alice/Documents/report.xlsx',
      format: 'xlsx',
      bom: false,
      keepFormulas: false,
    });
    const req = vi.mocked(api.exportView).mock.calls[0][0];
    expect(req.query.filter).toMatchObject({ search: 'voucher', status: 'FAILED' });
    expect(dialogs.export).toBe(false);
    expect(ex.running).toBe(false);
    expect(texts()).toEqual([['success', 'Exported 12,345 rows to report.xlsx']]);
    const [n] = notices.list;
    expect(n.code).toEqual({ label: 'SHA-256', value: result().sha256 });
    expect(n.actions?.map((a) => a.label)).toEqual(['Show in folder']);
    n.actions?.[0].run();
    expect(api.showFile).toHaveBeenCalledWith('/home/alice/Documents/report.xlsx');
  });

  it('passes the CSV options; neutralising is on unless unticked, the BOM off unless ticked', async () => {
    vi.mocked(api.chooseExportFile).mockResolvedValue('/tmp/a.csv');
    vi.mocked(api.exportView).mockResolvedValue(result({ path: '/tmp/a.csv', rows: 1 }));
    ex.format = api.app.ExportFormat.CSV;
    await ex.run();
    expect(api.exportView).toHaveBeenLastCalledWith(
      expect.objectContaining({ format: 'csv', bom: false, keepFormulas: false }),
    );
    ex.bom = true;
    ex.neutralise = false;
    await ex.run();
    expect(api.exportView).toHaveBeenLastCalledWith(
      expect.objectContaining({ format: 'csv', bom: true, keepFormulas: true }),
    );
    expect(api.chooseExportFile).toHaveBeenLastCalledWith('csv');
    expect(texts()).toEqual([['success', 'Exported 1 row to a.csv']]);
    // The CSV options never reach an XLSX.
    ex.format = api.app.ExportFormat.XLSX;
    await ex.run();
    expect(api.exportView).toHaveBeenLastCalledWith(
      expect.objectContaining({ format: 'xlsx', bom: false, keepFormulas: false }),
    );
  });

  it('a dismissed save dialog writes nothing and leaves the dialog open', async () => {
    vi.mocked(api.chooseExportFile).mockResolvedValue('');
    ex.open();
    await ex.run();
    expect(api.exportView).not.toHaveBeenCalled();
    expect(dialogs.export).toBe(true);
    expect(ex.choosing).toBe(false);
    expect(notices.list).toEqual([]);
    expect(errors.current).toBeNull();
  });

  it('shows progress while it runs, then Cancel ends it with a quiet notice', async () => {
    let reject!: (e: unknown) => void;
    vi.mocked(api.exportView).mockReturnValue(new Promise((_, r) => (reject = r)));
    const run = ex.run();
    await vi.waitFor(() => expect(ex.running).toBe(true));
    expect(ex.progress).toBeNull();
    emit({ rows: 0, total: 1_000_000, done: false });
    emit({ rows: 120_000, total: 1_000_000, done: false });
    expect(ex.progress).toEqual({ rows: 120_000, total: 1_000_000, done: false });
    await ex.cancel();
    expect(ex.cancelling).toBe(true);
    await ex.cancel(); // a second press sends nothing more
    expect(api.cancelExport).toHaveBeenCalledTimes(1);
    // Go's Export then rejects with "cancelled".
    reject(new ApiError(app.ErrorCode.Cancelled, 'cancelled'));
    await run;
    expect(ex.running).toBe(false);
    expect(ex.cancelling).toBe(false);
    expect(ex.progress).toBeNull();
    expect(texts()).toEqual([['neutral', 'Export cancelled; nothing was written']]);
    expect(errors.current).toBeNull();
    // Events that trail the reply do not bring the strip back.
    emit({ rows: 120_000, total: 1_000_000, done: true });
    expect(ex.progress).toBeNull();
  });

  it('runs one at a time: the dialog does not open and a second run does nothing', async () => {
    pending();
    const run = ex.run();
    await vi.waitFor(() => expect(ex.running).toBe(true));
    ex.open();
    expect(dialogs.export).toBe(false);
    await ex.run();
    expect(api.chooseExportFile).toHaveBeenCalledTimes(1);
    await ex.cancel();
    await run;
  });

  it.each([
    ['Export', new ApiError(app.ErrorCode.InvalidInput, 'export: the folder /gone is not there')],
    ['the save dialog', new ApiError(app.ErrorCode.Internal, 'no window to open the save dialog in')],
  ])('a failure of %s goes to the banner, in one line, and closes the dialog', async (what, err) => {
    if (what === 'Export') vi.mocked(api.exportView).mockRejectedValue(err);
    else vi.mocked(api.chooseExportFile).mockRejectedValue(err);
    ex.open();
    await ex.run();
    expect(errors.current).toMatchObject({ code: err.code, message: err.message });
    expect(dialogs.export).toBe(false);
    expect(notices.list).toEqual([]);
    expect(ex.running).toBe(false);
    expect(ex.choosing).toBe(false);
  });

  it('a failing Cancel or Show in folder goes to the banner', async () => {
    let reject!: (e: unknown) => void;
    vi.mocked(api.exportView).mockReturnValue(new Promise((_, r) => (reject = r)));
    vi.mocked(api.cancelExport).mockRejectedValueOnce(new ApiError(app.ErrorCode.Internal, 'bridge down'));
    const run = ex.run();
    await vi.waitFor(() => expect(ex.running).toBe(true));
    await ex.cancel();
    expect(errors.current?.message).toBe('bridge down');
    expect(ex.cancelling).toBe(false); // so Cancel can be pressed again
    reject(new ApiError(app.ErrorCode.Cancelled, 'cancelled'));
    await run;
    vi.mocked(api.showFile).mockRejectedValueOnce(new ApiError(app.ErrorCode.InvalidInput, 'the folder /x is gone'));
    await ex.showFile('/x/a.csv');
    expect(errors.current?.message).toBe('the folder /x is gone');
  });
});
