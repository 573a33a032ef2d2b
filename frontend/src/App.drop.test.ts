// Files dropped on the window. A page never learns a dropped file's path:
// Go hears the drop (Wails's file drop) and emits "import:drop", which these
// tests emit as Go does (api.onImportDrop); Go's side is TestImportDrop.
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import App from './App.svelte';
import * as api from './lib/api';
import { dialogs } from './lib/state/dialogs.svelte';
import { acme, emptyStatus, fakeCache, listen, queryResult, row } from './test-fixtures';
import { resetStores } from './test-app';

vi.mock('./lib/api', async (importOriginal) => {
  const { fakeAppApi } = await import('./test-api');
  return fakeAppApi(await importOriginal<typeof import('./lib/api')>(), {
    calls: ['chooseImportFiles', 'previewImport', 'runImport', 'cancelImport'],
    listeners: ['onImportProgress'],
  });
});

const paths = ['/home/alice/console.csv', '/home/alice/月次.csv'];
const overlayText = 'Drop files to import them into a case';

const preview = (path: string): api.FilePreview => ({
  path,
  name: path.split('/').pop() ?? path,
  format: 'console-csv',
  encoding: 'utf-8',
  separator: ',',
  zone: 'Asia/Tokyo',
  zoneFromFile: false,
  noSeconds: 0,
  columns: [{ header: 'Timestamp', field: 'timestamp' }],
  rows: [row(1, 0, { user: 'hanako@acme.example' })],
  problems: [],
  error: '',
  verified: false,
  manifestProblem: '',
});

let sendDrop: (d: api.ImportDrop) => void;

beforeEach(() => {
  fakeCache({
    status: { ...emptyStatus, profile: acme, events: 3 },
    query: () => queryResult({ id: 1, total: 3, events: 3 }),
  });
  resetStores();
  sendDrop = listen(api.onImportDrop);
  vi.mocked(api.chooseImportFiles).mockReset();
  vi.mocked(api.previewImport)
    .mockReset()
    .mockImplementation((ps: string[]) => Promise.resolve(ps.map(preview)));
  vi.mocked(api.runImport).mockReset();
  vi.mocked(api.cancelImport).mockReset().mockResolvedValue();
});

afterEach(() => {
  vi.useRealTimers();
});

/** renderApp mounts the shell and waits until it has subscribed to drops. */
async function renderApp(): Promise<void> {
  render(App);
  await screen.findByText(/events · last synced/);
}

const files = { dataTransfer: { types: ['Files'], dropEffect: 'none' } };

describe('files dragged over the window', () => {
  it('show a drop target over the whole window until they leave it', async () => {
    await renderApp();
    expect(screen.queryByText(overlayText)).toBeNull();
    // Entering the window, then a child of it: two enters, two leaves.
    expect(await fireEvent.dragEnter(document.body, files)).toBe(false);
    expect(await screen.findByText(overlayText)).toBeInTheDocument();
    await fireEvent.dragEnter(screen.getByRole('toolbar'), files);
    await fireEvent.dragLeave(document.body, files);
    expect(screen.getByText(overlayText)).toBeInTheDocument();
    await fireEvent.dragLeave(screen.getByRole('toolbar'), files);
    await waitFor(() => expect(screen.queryByText(overlayText)).toBeNull());
  });

  it('are the page’s to drop (never the web view’s, which would open the file), and the target goes', async () => {
    await renderApp();
    await fireEvent.dragEnter(document.body, files);
    expect(await fireEvent.dragOver(document.body, files)).toBe(false);
    expect(await screen.findByText(overlayText)).toBeInTheDocument();
    expect(await fireEvent.drop(document.body, files)).toBe(false);
    await waitFor(() => expect(screen.queryByText(overlayText)).toBeNull());
  });

  it('from a file manager show the target in WebKitGTK too, which says only "text/uri-list" until the drop', async () => {
    await renderApp();
    const gtk = { dataTransfer: { types: ['text/uri-list', 'text/html'], dropEffect: 'none' } };
    expect(await fireEvent.dragEnter(document.body, gtk)).toBe(false);
    expect(await fireEvent.dragOver(document.body, gtk)).toBe(false);
    expect(await screen.findByText(overlayText)).toBeInTheDocument();
    expect(await fireEvent.drop(document.body, gtk)).toBe(false);
    await waitFor(() => expect(screen.queryByText(overlayText)).toBeNull());
  });

  it('show no target for a drag of text, which is left to the page', async () => {
    await renderApp();
    const text = { dataTransfer: { types: ['text/plain'] } };
    expect(await fireEvent.dragEnter(document.body, text)).toBe(true);
    expect(await fireEvent.dragOver(document.body, text)).toBe(true);
    expect(screen.queryByText(overlayText)).toBeNull();
  });

  it('keep their target while the pointer rests (no dragover comes then), and lose it once the pointer moves', async () => {
    await renderApp();
    vi.useFakeTimers();
    await fireEvent.dragEnter(document.body, files);
    await vi.advanceTimersByTimeAsync(5000);
    expect(screen.getByText(overlayText)).toBeInTheDocument();
    vi.useRealTimers();
    // A dragleave the engine never sent: the next move of the pointer, which no drag makes, ends it.
    await fireEvent.pointerMove(document.body);
    await waitFor(() => expect(screen.queryByText(overlayText)).toBeNull());
  });
});

describe('files dropped on the window', () => {
  it('open the Import dialog with them chosen and previewed, as Choose files… does', async () => {
    await renderApp();
    sendDrop({ paths, refused: '' });
    const dialog = await screen.findByRole('dialog', { name: 'Import files' });
    const names = within(dialog).getByRole('list', { name: 'Chosen files' });
    expect(
      within(names)
        .getAllByRole('listitem')
        .map((li) => li.textContent),
    ).toEqual(['console.csv', '月次.csv']);
    expect(api.previewImport).toHaveBeenCalledWith(paths, expect.objectContaining({ unverified: false }));
    expect(await within(dialog).findByRole('region', { name: '月次.csv' })).toBeInTheDocument();
    expect(within(dialog).getByRole('button', { name: 'Import' })).toBeEnabled();
    expect(api.chooseImportFiles).not.toHaveBeenCalled();
  });

  it('replace the files of an open Import dialog, keeping its options', async () => {
    await renderApp();
    sendDrop({ paths: [paths[0]], refused: '' });
    const dialog = await screen.findByRole('dialog', { name: 'Import files' });
    await within(dialog).findByRole('region', { name: 'console.csv' });
    await fireEvent.input(within(dialog).getByRole('textbox', { name: 'Case name' }), {
      target: { value: 'Incident 42' },
    });
    sendDrop({ paths: [paths[1]], refused: '' });
    expect(await within(dialog).findByRole('region', { name: '月次.csv' })).toBeInTheDocument();
    expect(within(dialog).queryByRole('region', { name: 'console.csv' })).toBeNull();
    expect(within(dialog).getByRole('textbox', { name: 'Case name' })).toHaveValue('Incident 42');
    expect(api.previewImport).toHaveBeenLastCalledWith([paths[1]], expect.objectContaining({ case: 'Incident 42' }));
  });

  it('say in the banner why they cannot be imported while an export runs, and open nothing', async () => {
    await renderApp();
    sendDrop({ paths, refused: 'The files were not imported: an export is running. Wait for it to finish.' });
    expect(await screen.findByRole('alert')).toHaveTextContent('The files were not imported: an export is running.');
    expect(dialogs.import).toBe(false);
    expect(api.previewImport).not.toHaveBeenCalled();
  });

  it('hide the target when Go says a drop came, and say so of a drop that held no file', async () => {
    await renderApp();
    await fireEvent.dragEnter(document.body, files);
    expect(screen.getByText(overlayText)).toBeInTheDocument();
    sendDrop({ paths: [], refused: 'Nothing was imported: what was dropped held no file.' });
    expect(await screen.findByRole('alert')).toHaveTextContent('what was dropped held no file');
    expect(screen.queryByText(overlayText)).toBeNull();
    expect(dialogs.import).toBe(false);
  });

  it('say in the Import dialog why they cannot be imported while its import runs', async () => {
    let finish: (r: api.ImportResult) => void = () => {};
    vi.mocked(api.runImport).mockImplementation(() => new Promise((resolve) => (finish = resolve)));
    await renderApp();
    sendDrop({ paths: [paths[0]], refused: '' });
    const dialog = await screen.findByRole('dialog', { name: 'Import files' });
    await within(dialog).findByRole('region', { name: 'console.csv' });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Import' }));
    await within(dialog).findByText('Importing…');
    sendDrop({ paths: [paths[1]], refused: 'The files were not imported: another import is running.' });
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('another import is running');
    expect(api.previewImport).toHaveBeenCalledTimes(1);
    finish({ case: 'Imported files', files: [], events: 3 });
    await within(dialog).findByRole('button', { name: 'Close' });
  });
});
