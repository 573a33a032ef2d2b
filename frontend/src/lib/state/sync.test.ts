import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import { DialogState } from './dialogs.svelte';
import { ErrorState } from './errors.svelte';
import { NoticeState } from './notices.svelte';
import { SessionState } from './status.svelte';
import { acme, emptyStatus, listen } from '../../test-fixtures';
import { SyncState } from './sync.svelte';

vi.mock('../api', async (importOriginal) => {
  const { fakeApi } = await import('../../test-api');
  return fakeApi(await importOriginal<typeof import('../api')>(), {
    calls: ['status', 'scopes', 'refresh', 'openDemo', 'connect', 'provideToken', 'cancelRefresh', 'onSyncProgress'],
  });
});

const { app, ApiError } = api;

const base = emptyStatus;
const demo: api.Profile = { ...acme, name: 'demo/owner', demo: true };
const progress = (over: Partial<api.SyncProgress>) => ({ ...api.normaliseProgress({}), ...over });

let emit: (p: api.SyncProgress) => void;
let errors: ErrorState;
let notices: NoticeState;
let dialogs: DialogState;
let session: SessionState;
let sync: SyncState;

beforeEach(() => {
  vi.mocked(api.status).mockReset().mockResolvedValue(base);
  vi.mocked(api.scopes).mockReset().mockResolvedValue([]);
  for (const fn of [api.refresh, api.openDemo, api.connect, api.provideToken, api.cancelRefresh]) {
    vi.mocked(fn).mockReset();
  }
  emit = listen(api.onSyncProgress);
  errors = new ErrorState();
  notices = new NoticeState();
  dialogs = new DialogState();
  session = new SessionState(errors);
  sync = new SyncState(session, errors, notices, dialogs);
});

afterEach(() => {
  sync.stop();
  vi.useRealTimers();
});

const texts = () => notices.list.map((n) => [n.kind, n.text]);

describe('first launch', () => {
  it('opens the demo by itself when Status says autoDemo', async () => {
    vi.mocked(api.status)
      .mockResolvedValueOnce({ ...base, autoDemo: true })
      .mockResolvedValue({ ...base, profile: demo, events: 40000 });
    vi.mocked(api.openDemo).mockResolvedValue({ ...base, profile: demo, events: 40000 });
    await sync.start();
    expect(api.openDemo).toHaveBeenCalledTimes(1);
    expect(session.status?.events).toBe(40000);
    expect(texts()).toEqual([['success', 'Synced: 40,000 new events']]);
  });

  it('does not open the demo otherwise', async () => {
    await sync.start();
    expect(api.openDemo).not.toHaveBeenCalled();
  });
});

describe('a running sync', () => {
  it('is active, keeps the newest progress and forgets it at the end', async () => {
    let finish!: (s: api.Status) => void;
    vi.mocked(api.refresh).mockReturnValue(new Promise((r) => (finish = r)));
    await sync.start();
    const run = sync.refresh();
    expect(sync.active).toBe(true);
    expect(sync.kind).toBe('refresh');
    emit(progress({ profile: 'acme/alice', events: 500, new: 120 }));
    expect(sync.progress?.events).toBe(500);
    finish({ ...base, profile: acme, events: 620 });
    await run;
    expect(sync.active).toBe(false);
    expect(sync.progress).toBeNull();
  });

  it('refuses a second sync without calling Go', async () => {
    vi.mocked(api.refresh).mockReturnValue(new Promise(() => {}));
    void sync.refresh();
    const second = await sync.openDemo();
    expect(second?.code).toBe(app.ErrorCode.Busy);
    expect(api.openDemo).not.toHaveBeenCalled();
    expect(errors.current).toBeNull();
  });

  it('ticks the clock only while waiting, for the countdown', async () => {
    vi.useFakeTimers({ now: Date.parse('2026-11-26T21:00:00Z') });
    vi.mocked(api.refresh).mockReturnValue(new Promise(() => {}));
    await sync.start();
    void sync.refresh();
    emit(progress({ waiting: 'rate_limited', waitUntil: '2026-11-26T21:00:03Z' }));
    const t0 = sync.now;
    vi.advanceTimersByTime(1000);
    expect(sync.now - t0).toBe(1000);
    emit(progress({ waiting: '' }));
    const t1 = sync.now;
    vi.advanceTimersByTime(1000);
    expect(sync.now).toBe(t1);
  });

  it('shows a sync it did not start (another window, a reload) until Status says it ended', async () => {
    await sync.start();
    vi.mocked(api.status).mockResolvedValue({ ...base, profile: acme, events: 10, syncing: true });
    emit(progress({ events: 10, new: 10 }));
    expect(sync.active).toBe(true);
    await new Promise((r) => setTimeout(r, 800));
    expect(sync.active).toBe(true);
    vi.mocked(api.status).mockResolvedValue({ ...base, profile: acme, events: 10 });
    await vi.waitFor(() => expect(sync.active).toBe(false), { timeout: 2000 });
    expect(session.status?.events).toBe(10);
    expect(texts()).toEqual([['success', 'Synced: 10 new events']]);
  });

  it('joins a sync already running at start instead of opening the demo', async () => {
    vi.mocked(api.status).mockResolvedValue({ ...base, profile: demo, syncing: true, autoDemo: false });
    await sync.start();
    expect(sync.active).toBe(true);
    expect(api.openDemo).not.toHaveBeenCalled();
  });

  it('a busy reply from Go (another window syncs) is watched, not an error; its cancel is neutral', async () => {
    await sync.start();
    vi.mocked(api.status).mockResolvedValue({ ...base, profile: acme, syncing: true });
    vi.mocked(api.refresh).mockRejectedValue(new ApiError(app.ErrorCode.Busy, 'another job is already running'));
    await sync.refresh();
    expect(errors.current).toBeNull();
    expect(sync.active).toBe(true);
    vi.mocked(api.status).mockResolvedValue({
      ...base,
      profile: acme,
      lastSyncError: 'ingest: context canceled',
      lastSyncCancelled: true,
    });
    await vi.waitFor(() => expect(sync.active).toBe(false), { timeout: 2000 });
    expect(texts()).toEqual([['neutral', 'Sync cancelled; the events saved so far are kept']]);
  });

  it('reads Status() during its own run, so the status bar counts along', async () => {
    await sync.start();
    vi.mocked(api.refresh).mockReturnValue(new Promise(() => {}));
    void sync.refresh();
    vi.mocked(api.status).mockResolvedValue({ ...base, profile: demo, events: 500, syncing: true });
    await vi.waitFor(() => expect(session.status?.events).toBe(500), { timeout: 2000 });
    expect(sync.active).toBe(true);
  });

  it('ignores the trailing events of its own finished run', async () => {
    await sync.start();
    vi.mocked(api.refresh).mockResolvedValue({ ...base, profile: acme });
    await sync.refresh();
    emit(progress({ events: 5 }));
    expect(sync.active).toBe(false);
    expect(sync.progress).toBeNull();
  });
});

describe('how a sync ends', () => {
  beforeEach(async () => {
    vi.mocked(api.status).mockResolvedValue({ ...base, profile: acme, events: 1000 });
    await sync.start();
  });

  it('success: a notice with the new events, and Status read again', async () => {
    vi.mocked(api.refresh).mockImplementation(async () => {
      emit(progress({ profile: 'acme/alice', new: 120, done: true }));
      return { ...base, profile: acme, events: 1120 };
    });
    vi.mocked(api.status).mockResolvedValue({ ...base, profile: acme, events: 1120, lastSynced: 'x' });
    expect(await sync.refresh()).toBeNull();
    expect(texts()).toEqual([['success', 'Synced: 120 new events']]);
    expect(errors.current).toBeNull();
    expect(session.status?.lastSynced).toBe('x');
  });

  it('cancel: Go is told, the ending is a neutral notice, not the banner', async () => {
    let reject!: (e: unknown) => void;
    vi.mocked(api.refresh).mockReturnValue(new Promise((_, r) => (reject = r)));
    vi.mocked(api.cancelRefresh).mockImplementation(async () =>
      reject(new ApiError(app.ErrorCode.Cancelled, 'cancelled')),
    );
    const run = sync.refresh();
    await sync.cancel();
    expect(api.cancelRefresh).toHaveBeenCalledTimes(1);
    expect((await run)?.code).toBe(app.ErrorCode.Cancelled);
    expect(texts()).toEqual([['neutral', 'Sync cancelled; the events saved so far are kept']]);
    expect(errors.current).toBeNull();
    expect(api.status).toHaveBeenCalledTimes(2);
  });

  it('cancel does nothing when no sync runs', async () => {
    await sync.cancel();
    expect(api.cancelRefresh).not.toHaveBeenCalled();
  });

  it("token_needed on Refresh opens the token prompt with Go's reason", async () => {
    const why = 'the API token for this profile is needed: no OS keyring is available';
    vi.mocked(api.refresh).mockRejectedValue(new ApiError(app.ErrorCode.TokenNeeded, why));
    await sync.refresh();
    expect(dialogs.token).toEqual({ profile: 'acme/alice', message: why });
    expect(errors.current).toBeNull();
  });

  it('other errors go to the banner, and Status is still read again', async () => {
    vi.mocked(api.refresh).mockRejectedValue(new ApiError(app.ErrorCode.Offline, 'auditapi: unreachable'));
    vi.mocked(api.status).mockResolvedValue({ ...base, profile: acme, events: 1000, lastSyncError: 'unreachable' });
    await sync.refresh();
    expect(errors.current?.message).toBe('auditapi: unreachable');
    expect(dialogs.token).toBeNull();
    expect(session.status?.lastSyncError).toBe('unreachable');
  });

  it('a dialog may take the error inline; then the banner stays empty', async () => {
    vi.mocked(api.connect).mockRejectedValue(new ApiError(app.ErrorCode.Unauthenticated, 'the token was refused'));
    const seen: string[] = [];
    const failure = await sync.connect('https://p/api', 'tok', (e) => (seen.push(e.message), true));
    expect(failure?.code).toBe(app.ErrorCode.Unauthenticated);
    expect(seen).toEqual(['the token was refused']);
    expect(errors.current).toBeNull();
    expect(dialogs.token).toBeNull();
  });

  it("connect: passes URL and token, counts the new profile's events, shows Go's notice", async () => {
    const other = { ...acme, name: 'beta/bob' };
    const notice = 'no OS keyring is available, so the token is kept only until AuditDesk quits';
    vi.mocked(api.connect).mockImplementation(async () => {
      emit(progress({ profile: 'beta/bob', new: 300, done: true }));
      return { ...base, profile: other, events: 300, notice };
    });
    expect(await sync.connect('https://b/api', 'secret')).toBeNull();
    expect(api.connect).toHaveBeenCalledWith('https://b/api', 'secret');
    expect(texts()).toEqual([
      ['success', 'Synced: 300 new events'],
      ['info', notice],
    ]);
  });

  it('a new sync clears the old notices and banner', async () => {
    notices.show('neutral', 'old');
    errors.show(new ApiError(app.ErrorCode.Internal, 'old'));
    vi.mocked(api.refresh).mockReturnValue(new Promise(() => {}));
    void sync.refresh();
    expect(notices.list).toEqual([]);
    expect(errors.current).toBeNull();
  });
});
