// The toolbar's Views and Columns menus, the save dialog, the new-row marker.
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import App from './App.svelte';
import * as api from './lib/api';
import { filter } from './lib/state/filter.svelte';
import { prefs } from './lib/state/prefs.svelte';
import { query } from './lib/state/query.svelte';
import { views } from './lib/state/views.svelte';
import { acme, emptyStatus, fakeCache, filterText, grid, queryResult, row, texts } from './test-fixtures';
import { resetStores, tableHeight600 } from './test-app';

vi.mock('./lib/api', async (importOriginal) => {
  const { fakeAppApi } = await import('./test-api');
  return fakeAppApi(await importOriginal<typeof import('./lib/api')>(), {
    calls: ['locate', 'preferences', 'setPreferences', 'views', 'saveView', 'deleteView'],
  });
});

const view = (name: string, over: Partial<api.View> = {}, filter: Partial<api.FilterText> = {}): api.View => ({
  name,
  about: '',
  builtIn: false,
  columns: [],
  ...over,
  query: {
    sort: api.audit.SortField.Timestamp,
    desc: true,
    filter: filterText({ timeZone: 'UTC', ...filter }),
    ...over.query,
  },
});

const builtIns = [
  view(
    'Policy attachments',
    { builtIn: true, about: 'Policies attached' },
    { scope: 'Organization', categories: ['Policy'] },
  ),
  view('Member changes', { builtIn: true, about: 'Members invited' }, { categories: ['Member'] }),
];
const mine = view(
  'Bob failures',
  { columns: [{ key: 'workspace', width: 0, hidden: true }], query: { sort: 'user', desc: false } as api.QueryRequest },
  { status: 'FAILED', users: ['bob@acme.example'], search: 'gpu', from: '2026-01-01T00:00:00Z' },
);

tableHeight600();

beforeEach(() => {
  fakeCache({
    status: { ...emptyStatus, profile: acme, events: 100 },
    query: (_, id) => queryResult({ id, total: 100, events: 100 }),
  });
  vi.mocked(api.locate).mockReset().mockResolvedValue(-1);
  vi.mocked(api.preferences).mockReset().mockResolvedValue(api.defaultPreferences);
  vi.mocked(api.setPreferences)
    .mockReset()
    .mockImplementation(async (p) => p);
  vi.mocked(api.views)
    .mockReset()
    .mockResolvedValue([...builtIns, mine]);
  vi.mocked(api.saveView)
    .mockReset()
    .mockImplementation(async (v) => [...builtIns, mine, v]);
  vi.mocked(api.deleteView).mockReset().mockResolvedValue(builtIns);
  resetStores();
});

const lastRequest = () => vi.mocked(api.query).mock.calls.at(-1)?.[0];

async function openViews() {
  render(App);
  await waitFor(() => expect(within(grid()).getAllByRole('row').length).toBeGreaterThan(1));
  await fireEvent.click(screen.getByRole('button', { name: /Views/ }));
  return await screen.findByRole('menu', { name: 'Views' });
}

describe('the Views menu', () => {
  it('lists the built-ins with what they are for, then the saved ones', async () => {
    const menu = await openViews();
    await within(menu).findByText('Bob failures');
    // The focus starts at the first view once the list is in, not at "Save current view…".
    await waitFor(() => expect(within(menu).getAllByRole('menuitem')[0]).toHaveFocus());
    expect(texts(menu, 'menuitem')).toEqual([
      'Policy attachments Policies attached',
      'Member changes Members invited',
      'Bob failures',
      '×',
      'Save current view…',
      'Mark current view…',
    ]);
    expect(within(menu).getByText('Built-in')).toBeInTheDocument();
    expect(within(menu).getByText('Saved')).toBeInTheDocument();
    // Built-ins cannot be deleted.
    expect(within(menu).queryByRole('menuitem', { name: 'Delete view Policy attachments' })).toBeNull();
  });

  it('applies a view: its filter, its sort and its columns', async () => {
    const menu = await openViews();
    await fireEvent.click(await within(menu).findByText('Bob failures'));
    await waitFor(() => expect(lastRequest()?.filter.users).toEqual(['bob@acme.example']));
    expect(lastRequest()).toMatchObject({ sort: 'user', desc: false });
    expect(lastRequest()?.filter).toMatchObject({ status: 'FAILED', from: '2026-01-01T00:00:00Z' });
    await waitFor(() => expect(lastRequest()?.filter.search).toBe('gpu'));
    expect(filter.chips.map((c) => c.key)).toEqual(['search', 'status', 'user:bob@acme.example', 'time']);
    expect(api.setPreferences).toHaveBeenCalledWith(expect.objectContaining({ columns: mine.columns }));
    expect(screen.queryByRole('columnheader', { name: 'Workspace' })).toBeNull();
    expect(screen.queryByRole('menu', { name: 'Views' })).toBeNull();
    // The toolbar names it; a change to the filters marks it.
    const trigger = screen.getByRole('button', { name: /^Views/ });
    expect(trigger.textContent?.trim()).toBe('Views: Bob failures');
    filter.status = '';
    await waitFor(() => expect(trigger.textContent?.trim()).toBe('Views: Bob failures\u00a0•'));
  });

  it('applies a built-in with a category but no scope', async () => {
    filter.addUser('someone');
    const menu = await openViews();
    await fireEvent.click(await within(menu).findByText('Member changes'));
    await waitFor(() => expect(lastRequest()?.filter.categories).toEqual(['Member']));
    expect(lastRequest()?.filter).toMatchObject({ scope: '', users: [] });
    expect(api.setPreferences).not.toHaveBeenCalled();
  });

  it('saves the current filter, sort and columns under a name; Enter saves', async () => {
    filter.status = api.audit.Status.FAILED;
    query.sort = { field: api.audit.SortField.Action, desc: false };
    const menu = await openViews();
    await fireEvent.click(within(menu).getByRole('menuitem', { name: 'Save current view…' }));
    const dialog = screen.getByRole('dialog', { name: 'Save current view' });
    const name = within(dialog).getByLabelText('Name');
    await waitFor(() => expect(name).toHaveFocus());
    await fireEvent.input(name, { target: { value: ' Failed, by action ' } });
    await fireEvent.submit(name.closest('form')!);
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    const saved = vi.mocked(api.saveView).mock.calls[0][0];
    expect(saved.name).toBe('Failed, by action');
    expect(saved.query).toMatchObject({ sort: 'action', desc: false, filter: { status: 'FAILED' } });
    expect(saved.columns).toEqual([]);
    expect(views.saved.map((v) => v.name)).toEqual(['Bob failures', 'Failed, by action']);
  });

  it("shows Go's refusal in the dialog; Esc cancels", async () => {
    vi.mocked(api.saveView).mockRejectedValue(new api.ApiError(api.app.ErrorCode.InvalidInput, 'a built-in name'));
    const menu = await openViews();
    await fireEvent.click(within(menu).getByRole('menuitem', { name: 'Save current view…' }));
    const dialog = screen.getByRole('dialog', { name: 'Save current view' });
    await fireEvent.input(within(dialog).getByLabelText('Name'), { target: { value: 'Failed actions' } });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('a built-in name');
    await fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('deletes a saved view; an error goes to the banner', async () => {
    const menu = await openViews();
    await fireEvent.click(await within(menu).findByRole('menuitem', { name: 'Delete view Bob failures' }));
    expect(api.deleteView).toHaveBeenCalledWith('Bob failures');
    await waitFor(() => expect(within(menu).queryByText('Bob failures')).toBeNull());
    vi.mocked(api.deleteView).mockRejectedValue(new api.ApiError(api.app.ErrorCode.InvalidInput, 'no saved view'));
    await views.remove('gone');
    expect(await screen.findByRole('alert')).toHaveTextContent(/no saved view/i);
  });

  it('says so when the list cannot be read', async () => {
    vi.mocked(api.views).mockRejectedValue(new Error('store: closed'));
    const menu = await openViews();
    expect(await within(menu).findByText(/Views unavailable: store: closed/)).toBeInTheDocument();
  });
});

describe('the Columns menu and resizing', () => {
  const headers = () => screen.getAllByRole('columnheader').map((h) => h.getAttribute('aria-label'));

  it('hides and shows columns and saves them with the other settings; Timestamp stays', async () => {
    prefs.current = { ...api.defaultPreferences, theme: api.app.Theme.Dark };
    vi.mocked(api.preferences).mockResolvedValue({ ...api.defaultPreferences, theme: api.app.Theme.Dark });
    render(App);
    await waitFor(() => expect(headers()).toHaveLength(9));
    await fireEvent.click(screen.getByRole('button', { name: /Columns/ }));
    const menu = screen.getByRole('menu', { name: 'Columns' });
    await fireEvent.click(within(menu).getByRole('menuitemcheckbox', { name: 'User' }));
    await waitFor(() => expect(headers()).not.toContain('User'));
    const sent = vi.mocked(api.setPreferences).mock.calls.at(-1)![0];
    expect(sent.theme).toBe('dark');
    expect(sent.columns.find((c) => c.key === 'user')).toEqual({ key: 'user', width: 0, hidden: true });
    expect(within(menu).getByRole('menuitemcheckbox', { name: 'User' })).toHaveAttribute('aria-checked', 'false');
    const stamp = within(menu).getByRole('menuitemcheckbox', { name: 'Timestamp' });
    await fireEvent.click(stamp);
    expect(headers()).toContain('Timestamp (UTC)');
    expect(vi.mocked(api.setPreferences)).toHaveBeenCalledTimes(1);
    await fireEvent.click(within(menu).getByRole('menuitemcheckbox', { name: 'User' }));
    await waitFor(() => expect(headers()).toContain('User'));
  });

  it('offers Event ID and Source IP, hidden until asked for; shown, their cells hold the row values', async () => {
    render(App);
    await waitFor(() => expect(headers()).toHaveLength(9));
    expect(headers()).not.toContain('Source IP');
    await fireEvent.click(screen.getByRole('button', { name: /Columns/ }));
    const menu = screen.getByRole('menu', { name: 'Columns' });
    const ip = within(menu).getByRole('menuitemcheckbox', { name: 'Source IP' });
    expect(ip).toHaveAttribute('aria-checked', 'false');
    expect(within(menu).getByRole('menuitemcheckbox', { name: 'Event ID' })).toHaveAttribute('aria-checked', 'false');
    await fireEvent.click(ip);
    await waitFor(() => expect(headers()).toContain('Source IP'));
    expect(headers()).toHaveLength(10);
    const sent = vi.mocked(api.setPreferences).mock.calls.at(-1)![0];
    expect(sent.columns.find((c) => c.key === 'source_ip')).toEqual({ key: 'source_ip', width: 0, hidden: false });
    expect(sent.columns.find((c) => c.key === 'id')).toEqual({ key: 'id', width: 0, hidden: true });
    const first = grid().querySelector('[role=row][aria-rowindex="2"]')!;
    await waitFor(() => expect(first.querySelector('.cell.source_ip')?.textContent?.trim()).toBe('203.0.113.0'));
  });

  it('restores saved widths and hidden columns at start', async () => {
    vi.mocked(api.preferences).mockResolvedValue({
      ...api.defaultPreferences,
      columns: [
        { key: 'user', width: 240, hidden: false },
        { key: 'description', width: 0, hidden: true },
      ],
    });
    render(App);
    await waitFor(() => expect(headers()).not.toContain('Description'));
    expect(grid().style.getPropertyValue('--columns')).toContain('160px 240px');
  });

  it('resizes by dragging a header edge and saves the width; a refusal reverts it', async () => {
    render(App);
    await waitFor(() => expect(headers()).toHaveLength(9));
    const edge = screen.getByRole('separator', { name: 'Resize User' });
    const cell = edge.closest<HTMLElement>('[role=columnheader]')!;
    cell.getBoundingClientRect = () => ({ width: 180 }) as DOMRect;
    await fireEvent.pointerDown(edge, { button: 0, clientX: 500 });
    await fireEvent.pointerMove(edge, { clientX: 560 });
    expect(grid().style.getPropertyValue('--columns')).toContain(' 240px ');
    expect(api.setPreferences).not.toHaveBeenCalled();
    await fireEvent.pointerUp(edge, { clientX: 560 });
    await waitFor(() => expect(api.setPreferences).toHaveBeenCalled());
    expect(vi.mocked(api.setPreferences).mock.calls[0][0].columns.find((c) => c.key === 'user')?.width).toBe(240);

    vi.mocked(api.setPreferences).mockRejectedValue(new api.ApiError(api.app.ErrorCode.InvalidInput, 'too wide'));
    await fireEvent.keyDown(edge, { key: 'ArrowRight' });
    expect(await screen.findByRole('alert')).toHaveTextContent(/too wide/i);
    expect(grid().style.getPropertyValue('--columns')).toContain(' 240px ');
  });
});

describe('rows a refresh brought', () => {
  it('are marked New', async () => {
    vi.mocked(api.rows).mockImplementation(async (qid, offset, limit) => ({
      queryId: qid,
      offset,
      rows: Array.from({ length: limit }, (_, k) => row(qid, offset + k, { new: offset + k < 2 })),
    }));
    render(App);
    await waitFor(() => expect(within(grid()).getAllByRole('row').length).toBeGreaterThan(3));
    const rows = within(grid()).getAllByRole('row').slice(1);
    expect(rows[0]).toHaveClass('new');
    expect(rows[0]).toHaveAttribute('aria-description', 'New');
    expect(rows[0].getAttribute('title')).toMatch(/^New/);
    expect(rows[2]).not.toHaveClass('new');
    expect(rows[2]).not.toHaveAttribute('aria-description');
  });
});
