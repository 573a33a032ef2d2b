import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../lib/api';
import { dialogs } from '../lib/state/dialogs.svelte';
import { errors } from '../lib/state/errors.svelte';
import { exporter } from '../lib/state/export.svelte';
import { filter } from '../lib/state/filter.svelte';
import { groupBy } from '../lib/state/groupby.svelte';
import { notices } from '../lib/state/notices.svelte';
import { defaultSort, query } from '../lib/state/query.svelte';
import { queryResult } from '../test-fixtures';
import ExportDialog from './ExportDialog.svelte';

vi.mock('../lib/api', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../lib/api')>()),
  chooseExportFile: vi.fn(),
  chooseReportFile: vi.fn(),
  exportView: vi.fn(),
}));

const { audit } = api;

beforeEach(() => {
  vi.mocked(api.chooseExportFile).mockReset().mockResolvedValue('/home/alice/failed.csv');
  vi.mocked(api.exportView).mockReset().mockResolvedValue({
    path: '/home/alice/failed.csv',
    manifest: '',
    format: api.app.ExportFormat.CSV,
    rows: 3,
    sha256: 'ab',
    bytes: 9,
    report: false,
    findings: 0,
  });
  filter.clear();
  errors.dismiss();
  notices.clear();
  query.sort = defaultSort;
  query.result = null;
  exporter.format = api.app.ExportFormat.XLSX;
  exporter.report = false;
  groupBy.pinned = [];
  exporter.bom = false;
  exporter.neutralise = true;
  dialogs.openExport();
});

/** opened renders the dialog, open, and returns it. */
function opened(): HTMLElement {
  render(ExportDialog);
  return screen.getByRole('dialog', { name: 'Export the current view' });
}

describe('ExportDialog', () => {
  it('starts at the chosen format, XLSX by default, and says what will be exported', async () => {
    filter.status = audit.Status.FAILED;
    query.sort = { field: api.audit.SortField.User, desc: false };
    query.result = queryResult({ total: 12345, events: 20000, timeZone: 'UTC' });
    const dialog = opened();
    const xlsx = within(dialog).getByRole('radio', { name: 'Excel (XLSX)' });
    expect(xlsx).toBeChecked();
    expect(xlsx).toHaveFocus();
    expect(within(dialog).getByRole('radio', { name: 'CSV' })).not.toBeChecked();
    expect(within(dialog).getByRole('group', { name: 'Format' })).toBeInTheDocument();
    expect(within(dialog).queryByRole('checkbox')).toBeNull();
    expect(
      within(dialog).getByText('12,345 events matching the current filters, sorted by User ↑, times in UTC'),
    ).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Cancel' })).toBeEnabled();
    expect(within(dialog).getByRole('button', { name: 'Export…' })).toHaveAttribute('type', 'submit');
  });

  it('offers the CSV options for CSV, neutralising ticked, and exports with them', async () => {
    query.result = queryResult({ total: 20000, events: 20000 });
    const dialog = opened();
    expect(within(dialog).getByText('All 20,000 events, sorted by Timestamp ↓, times in UTC')).toBeInTheDocument();
    await fireEvent.click(within(dialog).getByRole('radio', { name: 'CSV' }));
    const bom = within(dialog).getByRole('checkbox', {
      name: 'Add a byte order mark (for Excel with Japanese/Vietnamese)',
    });
    const neutralise = within(dialog).getByRole('checkbox', {
      name: 'Neutralise cells that could run as formulas (recommended)',
    });
    expect(bom).not.toBeChecked();
    expect(neutralise).toBeChecked();
    await fireEvent.click(bom);
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Export…' }));
    await waitFor(() => expect(api.exportView).toHaveBeenCalledTimes(1));
    expect(api.chooseExportFile).toHaveBeenCalledWith('csv');
    expect(api.exportView).toHaveBeenCalledWith(
      expect.objectContaining({ path: '/home/alice/failed.csv', format: 'csv', bom: true, keepFormulas: false }),
    );
    expect(dialogs.export).toBe(false);
  });

  it('Enter on a checkbox exports; a dismissed save dialog leaves it open', async () => {
    vi.mocked(api.chooseExportFile).mockResolvedValue('');
    exporter.format = api.app.ExportFormat.CSV;
    const dialog = opened();
    expect(within(dialog).getByRole('radio', { name: 'CSV' })).toHaveFocus();
    const neutralise = within(dialog).getByRole('checkbox', { name: /Neutralise/ });
    await fireEvent.keyDown(neutralise, { key: 'Enter' });
    await waitFor(() => expect(api.chooseExportFile).toHaveBeenCalledWith('csv'));
    expect(api.exportView).not.toHaveBeenCalled();
    expect(dialogs.export).toBe(true);
    expect(screen.getByRole('dialog')).toBeInTheDocument();
  });

  it('writes a report of the view with a sheet per pinned group-by, and says so', async () => {
    vi.mocked(api.chooseReportFile).mockResolvedValue('/home/alice/q4-report.xlsx');
    vi.mocked(api.exportView).mockResolvedValue({
      path: '/home/alice/q4-report.xlsx',
      manifest: '/home/alice/q4-report.xlsx.manifest.json',
      format: api.app.ExportFormat.XLSX,
      rows: 1234,
      sha256: 'ab',
      bytes: 9,
      report: true,
      findings: 3,
    });
    filter.status = audit.Status.FAILED;
    query.result = queryResult({ total: 1234, events: 20000 });
    let dialog = opened();
    await fireEvent.click(within(dialog).getByRole('radio', { name: 'Report (XLSX)' }));
    expect(within(dialog).getByText(/No group-by pinned: pin one in Group by/)).toBeInTheDocument();
    exporter.close();
    groupBy.pinned = [
      { by: [api.GroupField.User, api.GroupField.Status], top: 10 },
      { by: [api.GroupField.Month], top: 0 },
    ];
    dialogs.openExport();
    dialog = await screen.findByRole('dialog', { name: 'Export the current view' });
    expect(within(dialog).getByRole('radio', { name: 'Report (XLSX)' })).toBeChecked();
    expect(within(dialog).getByText('Group-by sheets: User × Status, top 10; Month, all')).toBeInTheDocument();
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Write report…' }));
    await waitFor(() => expect(api.exportView).toHaveBeenCalledTimes(1));
    expect(api.chooseExportFile).not.toHaveBeenCalled();
    expect(api.exportView).toHaveBeenCalledWith(
      expect.objectContaining({
        path: '/home/alice/q4-report.xlsx',
        format: 'xlsx',
        report: { groups: [['user', 'status'], ['month']], tops: [10, 0] },
      }),
    );
    expect(notices.list.map((n) => n.text)).toEqual([
      'Wrote a report of 1,234 events and 3 findings to q4-report.xlsx',
    ]);
    // A plain export after it is no report.
    dialogs.openExport();
    dialog = await screen.findByRole('dialog', { name: 'Export the current view' });
    await fireEvent.click(within(dialog).getByRole('radio', { name: 'CSV' }));
    expect([exporter.report, exporter.format]).toEqual([false, 'csv']);
  });

  it('Esc and Cancel close it without asking Go anything', async () => {
    let dialog = opened();
    await fireEvent.keyDown(within(dialog).getByRole('radio', { name: 'CSV' }), { key: 'Escape' });
    expect(dialogs.export).toBe(false);
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    dialogs.openExport();
    dialog = await screen.findByRole('dialog');
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(dialogs.export).toBe(false);
    expect(api.chooseExportFile).not.toHaveBeenCalled();
  });

  it('keeps Tab inside the dialog', async () => {
    exporter.format = api.app.ExportFormat.CSV;
    const dialog = opened();
    const exportButton = within(dialog).getByRole('button', { name: 'Export…' });
    exportButton.focus();
    await fireEvent.keyDown(exportButton, { key: 'Tab' });
    expect(within(dialog).getByRole('radio', { name: 'CSV' })).toHaveFocus();
  });
});
