import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../lib/api';
import { dialogs } from '../lib/state/dialogs.svelte';
import { prefs } from '../lib/state/prefs.svelte';
import { session } from '../lib/state/status.svelte';
import { acme, emptyStatus, listen, row } from '../test-fixtures';
import ImportDialog from './ImportDialog.svelte';

vi.mock('../lib/api', async (importOriginal) => {
  const { fakeApi } = await import('../test-api');
  return fakeApi(await importOriginal<typeof import('../lib/api')>(), {
    calls: ['chooseImportFiles', 'previewImport', 'runImport', 'cancelImport', 'switchProfile', 'status'],
    listeners: ['onImportProgress'],
  });
});

const { app, ApiError } = api;

const paths = ['/home/alice/console.csv', '/home/alice/broken.xlsx'];

const preview = (over: Partial<api.FilePreview> = {}): api.FilePreview => ({
  path: '/home/alice/console.csv',
  name: 'console.csv',
  format: 'console-csv',
  encoding: 'shift_jis',
  separator: ',',
  zone: 'Asia/Tokyo',
  zoneFromFile: false,
  noSeconds: 0,
  columns: [
    { header: '日時', field: 'timestamp' },
    { header: 'メモ', field: '' },
  ],
  rows: [row(1, 0, { user: 'hanako@acme.example', description: 'Started notebook-jp.' })],
  problems: ['console.csv:7: no timestamp'],
  error: '',
  verified: false,
  manifestProblem: '',
  ...over,
});

const refused = preview({
  path: '/home/alice/broken.xlsx',
  name: 'broken.xlsx',
  format: '',
  encoding: '',
  separator: '',
  zone: '',
  columns: [],
  rows: [],
  problems: [],
  error: 'not an audit log export: no timestamp column',
});

const caseProfile: api.Profile = {
  ...acme,
  name: 'Incident 42',
  apiUrl: '',
  organization: '',
  user: '',
  imported: true,
};

const result: api.ImportResult = {
  case: 'Incident 42',
  files: [
    {
      name: 'console.csv',
      new: 1200,
      duplicates: 3,
      rejected: 1,
      rejectedFile: '/home/alice/console.rejected.csv',
      notes: ['Times without a zone taken as Asia/Tokyo'],
      error: '',
    },
    {
      name: 'broken.xlsx',
      new: 0,
      duplicates: 0,
      rejected: 0,
      rejectedFile: '',
      notes: [],
      error: 'not an audit log export: no timestamp column',
    },
  ],
  events: 1200,
};

let sendProgress: (p: api.ImportProgress) => void;

beforeEach(() => {
  sendProgress = listen(api.onImportProgress);
  vi.mocked(api.chooseImportFiles).mockReset().mockResolvedValue(paths);
  vi.mocked(api.previewImport).mockReset().mockResolvedValue([preview(), refused]);
  vi.mocked(api.runImport).mockReset().mockResolvedValue(result);
  vi.mocked(api.cancelImport).mockReset().mockResolvedValue();
  const switched = { ...emptyStatus, profile: caseProfile, events: 1200 };
  vi.mocked(api.switchProfile).mockReset().mockResolvedValue(switched);
  vi.mocked(api.status).mockReset().mockResolvedValue(switched);
  session.status = { ...emptyStatus, profile: acme };
  prefs.current = { ...prefs.current, timeZone: 'Asia/Tokyo' };
  dialogs.openImport();
});

/** chosen renders the dialog, chooses the files and waits for their preview. */
async function chosen(first = 'console.csv'): Promise<HTMLElement> {
  render(ImportDialog);
  const dialog = screen.getByRole('dialog', { name: 'Import files' });
  await fireEvent.click(within(dialog).getByRole('button', { name: 'Choose files…' }));
  await within(dialog).findByRole('region', { name: first });
  return dialog;
}

describe('ImportDialog', () => {
  it('starts with the defaults and Import disabled until files are chosen', () => {
    render(ImportDialog);
    const dialog = screen.getByRole('dialog', { name: 'Import files' });
    expect(within(dialog).getByRole('textbox', { name: 'Case name' })).toHaveValue('Imported files');
    expect(within(dialog).getByRole('combobox', { name: 'Times without a zone are in' })).toHaveValue('Local');
    expect(within(dialog).getByRole('combobox', { name: 'Encoding' })).toHaveValue('auto');
    expect(
      within(dialog).getByRole('checkbox', {
        name: 'Import the good rows and set the bad ones aside (FILE.rejected.csv)',
      }),
    ).not.toBeChecked();
    expect(within(dialog).getByRole('button', { name: 'Import' })).toBeDisabled();
  });

  it('shows how each chosen file will be read, and a refused file’s error', async () => {
    const dialog = await chosen();
    expect(api.previewImport).toHaveBeenCalledWith(paths, {
      case: 'Imported files',
      timeZone: 'Local',
      encoding: 'auto',
      skipBad: false,
      unverified: false,
    });
    const names = within(dialog).getByRole('list', { name: 'Chosen files' });
    expect(
      within(names)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['console.csv', 'broken.xlsx']);
    const card = within(dialog).getByRole('region', { name: 'console.csv' });
    expect(within(card).getByText('Read as console-csv, shift_jis, separated by commas')).toBeInTheDocument();
    expect(within(card).getByText('Times without a zone taken as Asia/Tokyo')).toBeInTheDocument();
    expect(within(card).getByText('日時 → timestamp')).toBeInTheDocument();
    expect(within(card).getByText('メモ → not read')).toBeInTheDocument();
    expect(within(card).getByRole('cell', { name: 'hanako@acme.example' })).toBeInTheDocument();
    expect(within(card).getByText('Started notebook-jp.')).toBeInTheDocument();
    expect(within(card).getByText('console.csv:7: no timestamp')).toBeInTheDocument();
    const bad = within(dialog).getByRole('region', { name: 'broken.xlsx' });
    expect(within(bad).getByRole('alert')).toHaveTextContent(
      'Cannot be imported: not an audit log export: no timestamp column',
    );
    expect(within(dialog).getByRole('button', { name: 'Import' })).toBeEnabled();
  });

  it('says a zone the file gives, and reads again when the encoding changes', async () => {
    vi.mocked(api.previewImport).mockResolvedValue([preview({ zone: 'UTC', zoneFromFile: true })]);
    const dialog = await chosen();
    expect(within(dialog).getByText('Times in UTC, as the file says')).toBeInTheDocument();
    await fireEvent.change(within(dialog).getByRole('combobox', { name: 'Encoding' }), {
      target: { value: 'utf-16' },
    });
    await waitFor(() => expect(api.previewImport).toHaveBeenCalledTimes(2));
    expect(api.previewImport).toHaveBeenLastCalledWith(paths, expect.objectContaining({ encoding: 'utf-16' }));
  });

  it('disables Import when no file can be imported', async () => {
    vi.mocked(api.previewImport).mockResolvedValue([refused]);
    const dialog = await chosen('broken.xlsx');
    expect(within(dialog).getByRole('button', { name: 'Import' })).toBeDisabled();
  });

  it('imports with the options typed, shows progress and each file’s result, and Close opens the case', async () => {
    let finish: (r: api.ImportResult) => void = () => {};
    vi.mocked(api.runImport).mockImplementation(() => new Promise((resolve) => (finish = resolve)));
    const dialog = await chosen();
    await fireEvent.input(within(dialog).getByRole('textbox', { name: 'Case name' }), {
      target: { value: 'Incident 42' },
    });
    await fireEvent.click(
      within(dialog).getByRole('checkbox', { name: /Import the good rows and set the bad ones aside/ }),
    );
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Import' }));
    expect(api.runImport).toHaveBeenCalledWith(paths, {
      case: 'Incident 42',
      timeZone: 'Local',
      encoding: 'auto',
      skipBad: true,
      unverified: false,
    });
    sendProgress({ file: 'console.csv', index: 0, files: 2, done: false });
    expect(await within(dialog).findByText('Importing console.csv (1 of 2)…')).toBeInTheDocument();
    // Esc does not close a running import.
    await fireEvent.keyDown(within(dialog).getByRole('button', { name: 'Cancel' }), { key: 'Escape' });
    expect(dialogs.import).toBe(true);
    finish(result);
    const results = await within(dialog).findByRole('list', { name: 'Imported files' });
    const items = within(results).getAllByRole('listitem');
    expect(items[0]).toHaveTextContent('console.csv: 1,200 new, 3 duplicates, 1 rejected');
    expect(items[0]).toHaveTextContent('Times without a zone taken as Asia/Tokyo');
    expect(items[1]).toHaveTextContent('broken.xlsx: 0 new, 0 duplicates, 0 rejected');
    expect(within(items[1]).getByText('not an audit log export: no timestamp column')).toHaveClass('refused');
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Close' }));
    expect(dialogs.import).toBe(false);
    await waitFor(() => expect(api.switchProfile).toHaveBeenCalledWith('Incident 42'));
    await waitFor(() => expect(session.status?.profile?.name).toBe('Incident 42'));
  });

  it('Cancel asks Go to stop the import and says it was cancelled', async () => {
    let fail: (e: unknown) => void = () => {};
    vi.mocked(api.runImport).mockImplementation(() => new Promise((_, reject) => (fail = reject)));
    const dialog = await chosen();
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Import' }));
    expect(await within(dialog).findByText('Importing…')).toBeInTheDocument();
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(api.cancelImport).toHaveBeenCalledTimes(1);
    fail(new ApiError(app.ErrorCode.Cancelled, 'cancelled'));
    expect(await within(dialog).findByText(/Import cancelled/)).toBeInTheDocument();
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Close' }));
    expect(dialogs.import).toBe(false);
    expect(api.switchProfile).not.toHaveBeenCalled();
  });

  it('offers to import AuditDesk exports that do not match their manifest, off, and says what it means', () => {
    render(ImportDialog);
    const dialog = screen.getByRole('dialog', { name: 'Import files' });
    const box = within(dialog).getByRole('checkbox', {
      name: 'Import AuditDesk exports that do not match their manifest',
    });
    expect(box).not.toBeChecked();
    expect(box).toHaveAccessibleDescription(/imported anyway, recorded as unverified/);
  });

  it('says which AuditDesk export its manifest vouches for, and which it does not and why', async () => {
    vi.mocked(api.previewImport).mockResolvedValue([
      preview({ path: '/home/alice/ok.csv', name: 'ok.csv', format: 'auditdesk-csv', verified: true }),
      preview({
        path: '/home/alice/changed.csv',
        name: 'changed.csv',
        format: 'auditdesk-csv',
        manifestProblem: "it does not match its manifest: the rows' Merkle root differs from the manifest's",
      }),
    ]);
    const dialog = await chosen('ok.csv');
    const ok = within(dialog).getByRole('region', { name: 'ok.csv' });
    expect(within(ok).getByText('An AuditDesk export, as its manifest vouches')).toBeInTheDocument();
    const changed = within(dialog).getByRole('region', { name: 'changed.csv' });
    expect(
      within(changed).getByText(
        'An AuditDesk export that its manifest does not vouch for: tick “Import AuditDesk exports that do not match their manifest” to import it',
      ),
    ).toHaveClass('refused');
    expect(
      within(changed).getByText("It does not match its manifest: the rows' Merkle root differs from the manifest's"),
    ).toBeInTheDocument();
    await fireEvent.click(
      within(dialog).getByRole('checkbox', { name: 'Import AuditDesk exports that do not match their manifest' }),
    );
    expect(
      within(changed).getByText(
        'An AuditDesk export that its manifest does not vouch for: it will be imported, recorded as unverified',
      ),
    ).toBeInTheDocument();
  });

  it('imports an export its manifest does not vouch for only once the box is ticked, and asks Go to', async () => {
    vi.mocked(api.previewImport).mockResolvedValue([
      preview({ format: 'auditdesk-csv', manifestProblem: 'an AuditDesk export without its manifest beside it' }),
    ]);
    const dialog = await chosen();
    const importButton = within(dialog).getByRole('button', { name: 'Import' });
    expect(importButton).toBeDisabled();
    await fireEvent.click(
      within(dialog).getByRole('checkbox', { name: 'Import AuditDesk exports that do not match their manifest' }),
    );
    expect(importButton).toBeEnabled();
    await fireEvent.click(importButton);
    expect(api.runImport).toHaveBeenCalledWith(paths, expect.objectContaining({ unverified: true }));
    // Ticking it never reads the files again: what the manifest says does not change.
    expect(api.previewImport).toHaveBeenCalledTimes(1);
  });

  it('Esc closes it when nothing runs', async () => {
    const dialog = await chosen();
    await fireEvent.keyDown(within(dialog).getByRole('button', { name: 'Import' }), { key: 'Escape' });
    expect(dialogs.import).toBe(false);
    expect(api.runImport).not.toHaveBeenCalled();
  });
});
