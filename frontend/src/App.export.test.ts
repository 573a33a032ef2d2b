import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import App from './App.svelte';
import * as api from './lib/api';
import { exporter } from './lib/state/export.svelte';
import { filter } from './lib/state/filter.svelte';
import { session } from './lib/state/status.svelte';
import { demo, emptyStatus, fakeCache, listen, notifications, queryResult } from './test-fixtures';
import { resetStores } from './test-app';

vi.mock('./lib/api', async (importOriginal) => {
  const { fakeAppApi } = await import('./test-api');
  return fakeAppApi(await importOriginal<typeof import('./lib/api')>(), {
    calls: ['chooseExportFile', 'exportView', 'cancelExport', 'showFile', 'activity', 'copyText', 'onExportProgress'],
  });
});

const { app, audit, ApiError } = api;
const hash = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
let emit: (p: api.ExportProgress) => void;

beforeEach(() => {
  fakeCache({
    status: { ...emptyStatus, profile: demo, events: 20000 },
    query: (req) => queryResult({ id: 1, total: req.filter.status ? 1234 : 20000, events: 20000 }),
  });
  for (const fn of [api.chooseExportFile, api.exportView, api.cancelExport, api.showFile, api.activity]) {
    vi.mocked(fn).mockReset();
  }
  vi.mocked(api.chooseExportFile).mockResolvedValue('/home/owner/Documents/failed.csv');
  vi.mocked(api.copyText).mockReset().mockResolvedValue(true);
  emit = listen(api.onExportProgress);
  resetStores();
  exporter.stop();
  exporter.format = api.app.ExportFormat.XLSX;
  session.status = null;
});

/** shown renders the app with the demo and FAILED chosen, once the table has counted them. */
async function shown(): Promise<void> {
  render(App);
  await screen.findByText(/20,000 events · last synced/);
  await fireEvent.change(screen.getByRole('combobox', { name: 'Status' }), { target: { value: audit.Status.FAILED } });
  await screen.findByText('1,234 matching of 20,000 events');
}

/** exportCsv opens the dialog from the toolbar, picks CSV and presses Export…. */
async function exportCsv(): Promise<void> {
  await fireEvent.click(within(screen.getByRole('toolbar')).getByRole('button', { name: 'Export' }));
  const dialog = screen.getByRole('dialog', { name: 'Export the current view' });
  expect(
    within(dialog).getByText('1,234 events matching the current filters, sorted by Timestamp ↓, times in UTC'),
  ).toBeInTheDocument();
  await fireEvent.click(within(dialog).getByRole('radio', { name: 'CSV' }));
  await fireEvent.click(within(dialog).getByRole('button', { name: 'Export…' }));
}

describe('export', () => {
  it('exports the filtered view and says so, with the hash and Show in folder', async () => {
    vi.mocked(api.exportView).mockResolvedValue({
      path: '/home/owner/Documents/failed.csv',
      manifest: '/home/owner/Documents/failed.csv.manifest.json',
      format: api.app.ExportFormat.CSV,
      rows: 1234,
      sha256: hash,
      bytes: 99999,
      report: false,
      findings: 0,
    });
    await shown();
    await exportCsv();
    const notice = await within(notifications()).findByText('Exported 1,234 rows to failed.csv');
    expect(screen.queryByRole('dialog')).toBeNull();
    const req = vi.mocked(api.exportView).mock.calls[0][0];
    expect(req).toMatchObject({ path: '/home/owner/Documents/failed.csv', format: 'csv', keepFormulas: false });
    // The same request the table's own query was (which asked for its first rows too).
    expect({ ...req.query, firstRows: 200 }).toEqual(vi.mocked(api.query).mock.calls.at(-1)?.[0]);

    const row = notice.closest('.notice') as HTMLElement;
    const short = within(row).getByText(`${hash.slice(0, 12)}…`);
    expect(short).toHaveAttribute('title', hash);
    await fireEvent.click(within(row).getByRole('button', { name: 'Copy SHA-256' }));
    expect(api.copyText).toHaveBeenCalledWith(hash);
    await fireEvent.click(within(row).getByRole('button', { name: 'Show in folder' }));
    expect(api.showFile).toHaveBeenCalledWith('/home/owner/Documents/failed.csv');
  });

  it('says before an export that a view of no events would give a file of the header only', async () => {
    fakeCache({
      status: { ...emptyStatus, profile: demo, events: 20000 },
      query: (req) => queryResult({ id: 1, total: req.filter.status ? 0 : 20000, events: 20000 }),
    });
    render(App);
    await screen.findByText(/20,000 events · last synced/);
    await fireEvent.click(within(screen.getByRole('toolbar')).getByRole('button', { name: 'Export' }));
    let dialog = screen.getByRole('dialog', { name: 'Export the current view' });
    expect(within(dialog).queryByRole('note')).toBeNull();
    expect(within(dialog).getByRole('button', { name: 'Export…' })).toBeInTheDocument();
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));

    await fireEvent.change(screen.getByRole('combobox', { name: 'Status' }), {
      target: { value: audit.Status.FAILED },
    });
    await screen.findByText('0 matching of 20,000 events');
    await fireEvent.click(within(screen.getByRole('toolbar')).getByRole('button', { name: 'Export' }));
    dialog = screen.getByRole('dialog', { name: 'Export the current view' });
    expect(within(dialog).getByRole('note')).toHaveTextContent('the file would hold only the header row');
    expect(within(dialog).getByRole('button', { name: 'Export the header only…' })).toBeInTheDocument();
  });

  it('shows the strip while it runs; Esc cancels it, quietly', async () => {
    let reject!: (e: unknown) => void;
    vi.mocked(api.exportView).mockReturnValue(new Promise((_, r) => (reject = r)));
    vi.mocked(api.cancelExport).mockImplementation(async () => reject(new ApiError(app.ErrorCode.Cancelled, 'x')));
    await shown();
    await exportCsv();
    const bar = await screen.findByRole('progressbar', { name: 'Export progress' });
    expect(bar).toHaveAttribute('aria-valuetext', 'Starting export…');
    const toolbarExport = within(screen.getByRole('toolbar')).getByRole('button', { name: /Exporting…/ });
    expect(toolbarExport).toBeDisabled();

    emit({ rows: 120_000, total: 1_000_000, done: false });
    await waitFor(() => expect(bar).toHaveAttribute('aria-valuenow', '120000'));
    expect(bar).toHaveAttribute('aria-valuemax', '1000000');
    expect(screen.getByText('Exporting 120,000 of 1,000,000 rows')).toBeVisible();
    expect(screen.getByText('12%')).toBeInTheDocument();
    // Ctrl+E does not open a second export meanwhile.
    await fireEvent.keyDown(window, { key: 'e', ctrlKey: true });
    expect(screen.queryByRole('dialog')).toBeNull();

    await fireEvent.keyDown(window, { key: 'Escape' });
    expect(api.cancelExport).toHaveBeenCalledTimes(1);
    await within(notifications()).findByText('Export cancelled; nothing was written');
    expect(screen.queryByRole('progressbar')).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
    // The filter Esc would clear next is untouched.
    expect(filter.status).toBe(audit.Status.FAILED);
  });

  it('the strip’s Cancel button cancels too; an error goes to the banner', async () => {
    let reject!: (e: unknown) => void;
    vi.mocked(api.exportView).mockReturnValue(new Promise((_, r) => (reject = r)));
    await shown();
    await exportCsv();
    await fireEvent.click(await screen.findByRole('button', { name: 'Cancel export' }));
    expect(api.cancelExport).toHaveBeenCalledTimes(1);
    expect(screen.getByRole('button', { name: 'Cancel export' })).toHaveTextContent('Cancelling…');
    reject(new ApiError(app.ErrorCode.InvalidInput, 'export: no permission to write /home/owner/Documents'));
    expect(await screen.findByRole('alert')).toHaveTextContent('Export: no permission to write');
    expect(screen.queryByRole('progressbar')).toBeNull();
  });
});

describe('activity', () => {
  it('opens from the profile menu and lists the exports', async () => {
    vi.mocked(api.activity).mockResolvedValue([
      {
        time: '2026-12-01T09:05:03Z',
        kind: 'export',
        osUser: 'owner',
        user: 'owner@demo.example',
        file: '/home/owner/Documents/failed.csv',
        format: 'csv',
        rows: 1234,
        sha256: hash,
        filter: 'status=FAILED',
        sort: 'timestamp:desc',
      },
    ]);
    await shown();
    await fireEvent.click(screen.getByRole('button', { name: /owner@demo.example/ }));
    await fireEvent.click(screen.getByRole('menuitem', { name: 'Activity…' }));
    const dialog = screen.getByRole('dialog', { name: 'Activity' });
    expect(await within(dialog).findByText('failed.csv')).toBeInTheDocument();
    expect(within(dialog).getByText('status=FAILED')).toBeInTheDocument();
    // A dialog owns the keyboard: Esc closes it, and leaves the filter alone.
    await fireEvent.keyDown(within(dialog).getByRole('button', { name: 'Close' }), { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(filter.status).toBe(audit.Status.FAILED);
  });

  it('is not offered without a profile', async () => {
    vi.mocked(api.status).mockResolvedValue(emptyStatus);
    render(App);
    await screen.findByText(/0 events · last synced/);
    await fireEvent.click(screen.getByRole('button', { name: /No profile/ }));
    const item = screen.getByRole('menuitem', { name: 'Activity…' });
    expect(item).toHaveAttribute('aria-disabled', 'true');
    await fireEvent.click(item);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(api.activity).not.toHaveBeenCalled();
  });
});
