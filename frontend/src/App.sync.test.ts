import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import App from './App.svelte';
import * as api from './lib/api';
import { errors } from './lib/state/errors.svelte';
import { session } from './lib/state/status.svelte';
import {
  acme,
  cacheStatus,
  demo,
  emptyStatus,
  fakeCache,
  listen,
  notifications,
  progress,
  queryResult,
} from './test-fixtures';
import { resetStores } from './test-app';

vi.mock('./lib/api', async (importOriginal) => {
  const { fakeAppApi } = await import('./test-api');
  return fakeAppApi(await importOriginal<typeof import('./lib/api')>(), {
    calls: ['refresh', 'openDemo', 'connect', 'provideToken', 'cancelRefresh', 'exportView', 'onSyncProgress'],
    listeners: ['onExportProgress'],
  });
});

const { app, ApiError } = api;
let emit: (p: api.SyncProgress) => void;

beforeEach(() => {
  for (const fn of [api.refresh, api.openDemo, api.connect, api.provideToken, api.cancelRefresh]) {
    vi.mocked(fn).mockReset();
  }
  emit = listen(api.onSyncProgress);
  fakeCache({
    status: emptyStatus,
    // The query answers with the whole cache the status bar reports.
    query: () => {
      const events = session.status?.events ?? 0;
      return queryResult({ id: 1, total: events, events });
    },
  });
  resetStores();
});

/** pending makes a bound call that runs until cancelled, like a long sync. */
function pending(): void {
  let reject!: (e: unknown) => void;
  const run = new Promise<api.Status>((_, r) => (reject = r));
  for (const fn of [api.refresh, api.openDemo]) vi.mocked(fn).mockReturnValue(run);
  vi.mocked(api.cancelRefresh).mockImplementation(async () =>
    reject(new ApiError(app.ErrorCode.Cancelled, 'cancelled')),
  );
}

describe('first launch', () => {
  it('opens the demo by itself, shows its progress, and Esc cancels it', async () => {
    vi.mocked(api.status).mockResolvedValue({ ...emptyStatus, autoDemo: true });
    pending();
    render(App);
    await waitFor(() => expect(api.openDemo).toHaveBeenCalledTimes(1));

    const bar = screen.getByRole('progressbar', { name: 'Sync progress' });
    expect(bar).toHaveAttribute('aria-valuetext', 'Opening the demo…');
    expect(bar).not.toHaveAttribute('aria-valuenow');
    // The identity says it is the demo while its first sync runs, not "No profile".
    const head = screen.getByRole('toolbar');
    expect(within(head).getByText('Demo')).toBeInTheDocument();
    expect(within(head).getByText(/Opening the demo: generated events/)).toBeInTheDocument();
    expect(within(head).queryByText('No profile')).toBeNull();
    expect(screen.getByRole('button', { name: /Refreshing…/ })).toBeDisabled();
    expect(screen.getByRole('heading', { name: 'Syncing…' })).toBeInTheDocument();

    emit(progress({ profile: 'demo-org/owner', events: 12000, total: 40000, hasTotal: true, new: 11800, pages: 24 }));
    await waitFor(() => expect(bar).toHaveAttribute('aria-valuenow', '12000'));
    expect(bar).toHaveAttribute('aria-valuemax', '40000');
    expect(screen.getByText('Syncing demo-org/owner · 12,000 of 40,000 events · 11,800 new · 24 pages')).toBeVisible();

    vi.mocked(api.status).mockResolvedValue({
      ...emptyStatus,
      profile: demo,
      events: 12000,
      lastSynced: '2026-11-26T21:00:00Z',
      lastSyncError: 'session: ingest: context canceled',
      lastSyncCancelled: true,
      oldest: '2025-10-26T00:00:00Z',
      newest: '2026-11-26T20:59:00Z',
    });
    await fireEvent.keyDown(window, { key: 'Escape' });
    expect(api.cancelRefresh).toHaveBeenCalledTimes(1);
    await within(notifications()).findByText('Sync cancelled; the events saved so far are kept');
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.queryByRole('progressbar')).toBeNull();
    await waitFor(() =>
      expect(cacheStatus()).toHaveTextContent('12,000 events · last sync cancelled · 2025-10-26 – 2026-11-26'),
    );
    // The sync's end queries again: the table shows the events that were kept.
    const grid = screen.getByRole('grid', { name: 'Audit events' });
    await waitFor(() => expect(grid).toHaveAttribute('aria-rowcount', '12001'));
    await waitFor(() => expect(within(grid).getAllByRole('row')[1]).toHaveAttribute('aria-rowindex', '2'));
    expect(screen.queryByRole('heading', { name: 'Syncing…' })).toBeNull();
    const toolbar = screen.getByRole('toolbar');
    expect(within(toolbar).getByText('Demo data')).toBeInTheDocument();
    expect(within(toolbar).getByText('Owner')).toBeInTheDocument();
  });

  it('the Cancel sync button cancels too, and the countdown shows while rate limited', async () => {
    vi.mocked(api.status).mockResolvedValue({ ...emptyStatus, autoDemo: true });
    pending();
    render(App);
    await screen.findByRole('progressbar');
    const until = new Date(Date.now() + 3000).toISOString();
    emit(progress({ profile: 'demo-org/owner', events: 500, waiting: 'rate_limited', waitUntil: until }));
    expect(await screen.findByText(/^Rate limited by the server — retrying in [23] s$/)).toBeVisible();
    await fireEvent.click(screen.getByRole('button', { name: 'Cancel sync' }));
    await within(notifications()).findByText(/Sync cancelled/);
  });
});

describe('endings', () => {
  it('success shows a notice and the new status', async () => {
    vi.mocked(api.status).mockResolvedValue({ ...emptyStatus, profile: acme, events: 1000 });
    render(App);
    await waitFor(() => expect(cacheStatus()).toHaveTextContent('1,000 events'));
    vi.mocked(api.refresh).mockImplementation(async () => {
      emit(progress({ profile: 'acme/alice', new: 120, done: true }));
      return { ...emptyStatus, profile: acme, events: 1120 };
    });
    vi.mocked(api.status).mockResolvedValue({
      ...emptyStatus,
      profile: acme,
      events: 1120,
      lastSynced: '2026-11-26T21:00:00Z',
    });
    await fireEvent.keyDown(window, { key: 'r', ctrlKey: true });
    await within(notifications()).findByText('Synced: 120 new events');
    await waitFor(() => expect(cacheStatus()).toHaveTextContent('1,120 events · last synced 2026-11-26 21:00:00 UTC'));
  });

  it('a failed last sync shows in red in the status bar, the counts stay', async () => {
    const why = 'auditapi: GET /audit-logs: dial tcp 10.0.0.1:443: connect: connection refused';
    vi.mocked(api.status).mockResolvedValue({ ...emptyStatus, profile: acme, events: 50000, lastSyncError: why });
    render(App);
    const failed = await screen.findByText(`last sync failed: ${why}`);
    expect(failed).toHaveClass('failed');
    expect(failed.getAttribute('title')).toContain(why);
    expect(cacheStatus()).toHaveTextContent('50,000 events');
  });

  it('token_needed on Refresh asks for the token, then ProvideToken syncs', async () => {
    const why = 'the API token for this profile is needed: no OS keyring is available';
    vi.mocked(api.status).mockResolvedValue({ ...emptyStatus, profile: acme, events: 5 });
    vi.mocked(api.refresh).mockRejectedValue(new ApiError(app.ErrorCode.TokenNeeded, why));
    vi.mocked(api.provideToken).mockResolvedValue({ ...emptyStatus, profile: acme, events: 5 });
    render(App);
    await waitFor(() => expect(cacheStatus()).toHaveTextContent('5 events'));
    await fireEvent.click(screen.getByRole('button', { name: 'Refresh' }));

    const dialog = await screen.findByRole('dialog', { name: 'API token needed for acme/alice' });
    expect(within(dialog).getByText(`T${why.slice(1)}`)).toBeInTheDocument();
    expect(screen.queryByRole('alert')).toBeNull();
    const input = within(dialog).getByLabelText('API token');
    expect(input).toHaveAttribute('type', 'password');
    expect(input).toHaveAttribute('autocomplete', 'off');
    await fireEvent.input(input, { target: { value: 's3cret' } });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Sync' }));
    expect(api.provideToken).toHaveBeenCalledWith('s3cret');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(document.body.textContent).not.toContain('s3cret');
  });
});

describe('profile menu and Connect', () => {
  it('opens from the keyboard, moves with arrows, closes on Esc', async () => {
    vi.mocked(api.status).mockResolvedValue({ ...emptyStatus, profile: acme, events: 1 });
    render(App);
    const trigger = await screen.findByRole('button', { name: /alice/ });
    expect(trigger).toHaveAttribute('aria-haspopup', 'menu');
    trigger.focus();
    await fireEvent.keyDown(trigger, { key: 'ArrowDown' });
    const items = await screen.findAllByRole('menuitem');
    expect(items.map((i) => i.textContent?.trim())).toEqual([
      'Connect to a platform…',
      'Open the demo',
      'Import files…',
      'Activity…',
      'Verify cache…',
    ]);
    await waitFor(() => expect(items[0]).toHaveFocus());
    await fireEvent.keyDown(items[0], { key: 'ArrowDown' });
    expect(items[1]).toHaveFocus();
    await fireEvent.keyDown(items[1], { key: 'Escape' });
    expect(screen.queryByRole('menu')).toBeNull();
    expect(trigger).toHaveFocus();
  });

  it("connects: an error shows inline, success closes and shows Go's notice", async () => {
    render(App);
    await screen.findByText(/0 events/);
    await fireEvent.click(screen.getByRole('button', { name: /No profile/ }));
    await fireEvent.click(screen.getByRole('menuitem', { name: 'Connect to a platform…' }));
    const dialog = screen.getByRole('dialog', { name: 'Connect to a platform' });
    const url = within(dialog).getByLabelText('API URL');
    const token = within(dialog).getByLabelText('API token');
    expect(url).toHaveAttribute('type', 'url');
    expect(url).toHaveAttribute('placeholder', 'https://platform.example/api');
    expect(token).toHaveAttribute('type', 'password');
    await fireEvent.input(url, { target: { value: 'https://acme.example/api' } });
    await fireEvent.input(token, { target: { value: 'bad' } });

    vi.mocked(api.connect).mockRejectedValueOnce(new ApiError(app.ErrorCode.Unauthenticated, 'the token was refused'));
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Connect' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('The token was refused');
    expect(errors.current).toBeNull();

    const notice = 'no OS keyring is available, so the token is kept only until AuditDesk quits';
    vi.mocked(api.connect).mockResolvedValueOnce({ ...emptyStatus, profile: acme, events: 3, notice });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Connect' }));
    expect(api.connect).toHaveBeenLastCalledWith('https://acme.example/api', 'bad');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    await within(notifications()).findByText(/No OS keyring is available/);
  });

  it('Esc closes the Connect dialog without touching the banner', async () => {
    render(App);
    await screen.findByText(/0 events/);
    errors.show(new ApiError(app.ErrorCode.Internal, 'kept'));
    await fireEvent.click(screen.getAllByRole('button', { name: 'Connect to a platform…' })[0]);
    const dialog = screen.getByRole('dialog');
    await fireEvent.keyDown(within(dialog).getByLabelText('API URL'), { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByRole('alert')).toHaveTextContent('Kept');
  });
});
