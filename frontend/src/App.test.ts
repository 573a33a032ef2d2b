import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import App from './App.svelte';
import * as api from './lib/api';
import { errors } from './lib/state/errors.svelte';
import { filter } from './lib/state/filter.svelte';
import { acme, cacheStatus, emptyStatus, fakeCache, queryResult, texts } from './test-fixtures';
import { resetStores } from './test-app';

// The UI is tested against a fake lib/api; the real enums and error types stay.
vi.mock('./lib/api', async (importOriginal) => {
  const { fakeAppApi } = await import('./test-api');
  return fakeAppApi(await importOriginal<typeof import('./lib/api')>(), {
    calls: ['refresh', 'openDemo', 'chooseExportFile', 'exportView'],
    listeners: ['onExportProgress'],
  });
});

const { audit, app } = api;
const noProfile = 'no profile yet: connect to your platform with an API URL and token, or open the demo';

const scopeList: api.ScopeCategories[] = [
  { scope: audit.Scope.Organization, categories: ['Members', 'Roles'] },
  { scope: audit.Scope.Billing, categories: ['Billing Plan', 'Invoices'] },
  { scope: audit.Scope.Workspace, categories: ['Workspace Settings'] },
  { scope: audit.Scope.Service, categories: ['API Keys'] },
];

beforeEach(() => {
  fakeCache({ status: emptyStatus, scopes: scopeList, query: () => queryResult({ id: 1, total: 3, events: 3 }) });
  vi.mocked(api.refresh).mockReset();
  vi.mocked(api.chooseExportFile).mockReset();
  vi.mocked(api.exportView).mockReset();
  vi.mocked(api.openDemo).mockReset();
  // The stores are app-wide singletons; start every test from scratch.
  resetStores();
});

/** renderApp mounts the shell and waits until Status() has been shown. */
async function renderApp() {
  render(App);
  await screen.findByText(/events · last synced/);
}

describe('the shell', () => {
  it('renders toolbar, the nine column headers, the empty state and status bar', async () => {
    await renderApp();
    const toolbar = screen.getByRole('toolbar');
    expect(within(toolbar).getByText('AuditDesk')).toBeInTheDocument();
    expect(within(toolbar).getByRole('button', { name: 'Refresh' })).toHaveAttribute('title', 'Refresh (Ctrl+R)');
    expect(within(toolbar).getByRole('button', { name: 'Export' })).toHaveAttribute('title', 'Export (Ctrl+E)');
    expect(within(toolbar).getByText('No profile')).toBeInTheDocument();

    const grid = screen.getByRole('grid', { name: 'Audit events' });
    expect(texts(grid, 'columnheader')).toEqual([
      'Timestamp (UTC)',
      'User',
      'Scope',
      'Category',
      'Action',
      'Target',
      'Status',
      'Description',
      'Workspace',
    ]);

    expect(screen.getByRole('heading', { name: 'No events yet' })).toBeInTheDocument();
    expect(
      screen.getByText('Connect to your platform with an API URL and token, or open the demo.'),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Connect to a platform…' })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Open the demo' })).toBeInTheDocument();
    expect(api.openDemo).not.toHaveBeenCalled();
    // No profile, no cache to query.
    expect(api.query).not.toHaveBeenCalled();

    const bar = cacheStatus();
    expect(bar).toHaveTextContent('0 events · last synced never');
    expect(bar).toHaveTextContent('v0.1.0-dev');
  });

  it.each([
    [audit.Role.ORGANIZATION_OWNER, 'Owner'],
    [audit.Role.WORKSPACE_ADMIN, 'Workspace Admin'],
  ])('shows the profile with a %s role badge', async (role, label) => {
    vi.mocked(api.status).mockResolvedValue({
      ...emptyStatus,
      profile: {
        name: 'acme',
        apiUrl: 'https://x',
        organization: 'Acme',
        user: 'alice',
        role,
        workspaces: [],
        demo: false,
        imported: false,
        files: 0,
      },
      events: 1234567,
      lastSynced: '2026-11-20T10:31:02Z',
    });
    await renderApp();
    const toolbar = screen.getByRole('toolbar');
    expect(within(toolbar).getByText('alice')).toBeInTheDocument();
    expect(within(toolbar).getByText('Acme')).toBeInTheDocument();
    expect(within(toolbar).getByText(label)).toBeInTheDocument();
    expect(within(toolbar).queryByText('No profile')).toBeNull();
    expect(within(toolbar).queryByText('Demo data')).toBeNull();
    expect(cacheStatus()).toHaveTextContent('1,234,567 events · last synced 2026-11-20 10:31:02 UTC');
    expect(screen.queryByRole('heading', { name: 'No events yet' })).toBeNull();
  });

  it('shows a case as its name and "Imported files: N files", not a user and role; it has no Refresh', async () => {
    vi.mocked(api.status).mockResolvedValue({
      ...emptyStatus,
      profile: { ...acme, name: 'Incident 42', apiUrl: '', organization: '', user: '', imported: true, files: 3 },
      events: 12,
    });
    render(App);
    await screen.findByText(/events · imported files/);
    const toolbar = screen.getByRole('toolbar');
    expect(within(toolbar).getByText('Incident 42')).toBeInTheDocument();
    expect(within(toolbar).getByText('Imported files: 3 files')).toBeInTheDocument();
    expect(within(toolbar).getByRole('button', { name: /Incident 42/ })).toHaveAttribute(
      'title',
      'Case Incident 42: imported files, 3 files',
    );
    expect(within(toolbar).queryByText('Owner')).toBeNull();
    expect(within(toolbar).getByRole('button', { name: 'Refresh' })).toBeDisabled();
    expect(screen.getByRole('status', { name: 'Cache status' })).toHaveTextContent('imported files');
    expect(screen.getByRole('status', { name: 'Cache status' })).not.toHaveTextContent('last synced');
  });

  it('says "1 file" of a case of one file', async () => {
    vi.mocked(api.status).mockResolvedValue({
      ...emptyStatus,
      profile: { ...acme, name: 'Incident 7', apiUrl: '', organization: '', user: '', imported: true, files: 1 },
      events: 2,
    });
    render(App);
    const toolbar = screen.getByRole('toolbar');
    expect(await within(toolbar).findByText('Imported files: 1 file')).toBeInTheDocument();
    expect(within(toolbar).getByText('Incident 7')).toBeInTheDocument();
  });

  it('says Loading… until Status() answers, never "No profile" or Connect for a profile about to load', async () => {
    let answer: (s: api.Status) => void = () => {};
    vi.mocked(api.status).mockReturnValue(new Promise((resolve) => (answer = resolve)));
    render(App);
    expect(await screen.findAllByText('Loading…')).toHaveLength(3); // the table, the profile menu and the status bar
    expect(screen.queryByRole('heading', { name: 'No events yet' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Connect to a platform…' })).toBeNull();
    expect(screen.queryByText('No profile')).toBeNull();
    answer(emptyStatus);
    expect(await screen.findByRole('heading', { name: 'No events yet' })).toBeInTheDocument();
    expect(screen.getByText('No profile')).toBeInTheDocument();
  });

  it('shows a failing Status() in the banner', async () => {
    vi.mocked(api.status).mockRejectedValue(
      new api.ApiError(app.ErrorCode.Internal, 'settings: read: permission denied'),
    );
    render(App);
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Settings: read: permission denied');
    expect(cacheStatus()).toHaveTextContent('Status unavailable');
  });
});

describe('filters', () => {
  it('keeps Category disabled until a Scope is chosen, then lists only its categories', async () => {
    await renderApp();
    const scope = screen.getByRole('combobox', { name: 'Scope' }) as HTMLSelectElement;
    const category = screen.getByRole('combobox', { name: 'Category' }) as HTMLSelectElement;
    expect(category).toBeDisabled();
    expect([...scope.options].map((o) => o.text)).toEqual([
      'All scopes',
      'Organization',
      'Billing',
      'Workspace',
      'Service',
    ]);

    await fireEvent.change(scope, { target: { value: audit.Scope.Billing } });
    expect(category).toBeEnabled();
    expect([...category.options].map((o) => o.text)).toEqual(['All categories', 'Billing Plan', 'Invoices']);

    await fireEvent.change(category, { target: { value: 'Invoices' } });
    expect(filter.category).toBe('Invoices');

    // Changing scope resets the category and swaps the list.
    await fireEvent.change(scope, { target: { value: audit.Scope.Service } });
    expect(filter.category).toBe('');
    expect(category.value).toBe('');
    expect([...category.options].map((o) => o.text)).toEqual(['All categories', 'API Keys']);
  });

  it('shows a removable chip per filter and a Clear all button', async () => {
    await renderApp();
    expect(screen.queryByRole('button', { name: 'Clear all' })).toBeNull();
    const scope = screen.getByRole('combobox', { name: 'Scope' });
    await fireEvent.change(scope, { target: { value: audit.Scope.Billing } });
    await fireEvent.change(screen.getByRole('combobox', { name: 'Status' }), {
      target: { value: audit.Status.FAILED },
    });

    expect(screen.getByText('Scope: Billing')).toBeInTheDocument();
    expect(screen.getByText('Status: FAILED')).toBeInTheDocument();
    await fireEvent.click(screen.getByRole('button', { name: 'Remove filter Scope: Billing' }));
    expect(screen.queryByText('Scope: Billing')).toBeNull();
    expect(scope).toHaveValue('');

    await fireEvent.click(screen.getByRole('button', { name: 'Clear all' }));
    expect(screen.queryByText('Status: FAILED')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Clear all' })).toBeNull();
  });
});

describe('refresh and errors', () => {
  it('shows a rejected Refresh in role=alert and dismisses it', async () => {
    vi.mocked(api.refresh).mockRejectedValue(new api.ApiError(app.ErrorCode.NoProfile, noProfile));
    await renderApp();
    await fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent(
      'No profile yet: connect to your platform with an API URL and token, or open the demo',
    );
    expect(alert.textContent).not.toContain('[object');

    await fireEvent.click(within(alert).getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('disables Refresh and says Refreshing… while it runs', async () => {
    let finish!: (s: api.Status) => void;
    vi.mocked(api.refresh).mockReturnValue(new Promise((r) => (finish = r)));
    await renderApp();
    await fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));
    const busy = screen.getByRole('button', { name: /Refreshing…/ });
    expect(busy).toBeDisabled();
    // The status bar shows what Status() says after the sync, not only its reply.
    vi.mocked(api.status).mockResolvedValue({ ...emptyStatus, events: 1 });
    finish({ ...emptyStatus, events: 1 });
    await waitFor(() => expect(screen.getByRole('button', { name: 'Refresh' })).toBeEnabled());
    expect(cacheStatus()).toHaveTextContent('1 event · last synced never');
  });
});

describe('keyboard', () => {
  it('Ctrl+R calls refresh and prevents the webview reload', async () => {
    vi.mocked(api.refresh).mockResolvedValue(emptyStatus);
    await renderApp();
    const e = new KeyboardEvent('keydown', { key: 'r', ctrlKey: true, cancelable: true });
    window.dispatchEvent(e);
    expect(api.refresh).toHaveBeenCalledTimes(1);
    expect(e.defaultPrevented).toBe(true);
  });

  it('Ctrl+E opens the export dialog; Enter exports and its rejection reaches the banner', async () => {
    vi.mocked(api.chooseExportFile).mockResolvedValue('/home/alice/audit-log.xlsx');
    vi.mocked(api.exportView).mockRejectedValue(new api.ApiError(app.ErrorCode.NoProfile, noProfile));
    await renderApp();
    const e = new KeyboardEvent('keydown', { key: 'e', ctrlKey: true, cancelable: true });
    window.dispatchEvent(e);
    expect(e.defaultPrevented).toBe(true);
    const dialog = await screen.findByRole('dialog', { name: 'Export the current view' });
    // Nothing is written before the user says where.
    expect(api.chooseExportFile).not.toHaveBeenCalled();
    expect(api.exportView).not.toHaveBeenCalled();
    const xlsx = within(dialog).getByRole('radio', { name: 'Excel (XLSX)' });
    expect(xlsx).toHaveFocus();
    await fireEvent.keyDown(xlsx, { key: 'Enter' });
    await waitFor(() => expect(api.exportView).toHaveBeenCalledTimes(1));
    expect(api.chooseExportFile).toHaveBeenCalledWith('xlsx');
    expect(await screen.findByRole('alert')).toHaveTextContent('No profile yet');
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('"/" and Ctrl+F focus search; Esc clears it, then dismisses the banner', async () => {
    await renderApp();
    const search = screen.getByRole('textbox', { name: 'Search' });
    await fireEvent.keyDown(document.body, { key: '/' });
    expect(search).toHaveFocus();
    search.blur();
    await fireEvent.keyDown(document.body, { key: 'f', ctrlKey: true });
    expect(search).toHaveFocus();

    await fireEvent.input(search, { target: { value: 'alice' } });
    expect(screen.getByText('Search: alice')).toBeInTheDocument();
    errors.show({ code: 'busy', message: 'a sync is already running' });
    await fireEvent.keyDown(search, { key: 'Escape' });
    expect(search).toHaveValue('');
    expect(await screen.findByRole('alert')).toBeInTheDocument();
    await fireEvent.keyDown(search, { key: 'Escape' });
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
