import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  activity,
  ApiError,
  app,
  audit,
  cancelExport,
  chooseExportFile,
  connect,
  copyText,
  exportView,
  normaliseProgress,
  onExportProgress,
  onIndexUpdated,
  onSyncProgress,
  query,
  refresh,
  rows,
  scopes,
  showFile,
  status,
  type ExportRequest,
  type QueryRequest,
} from '.';
import { filterText } from '../../test-fixtures';

/** fakeEvents installs a Wails runtime whose EventsOnMultiple records each subscription, each unsubscribed by off. */
function fakeEvents(off: () => void = () => {}): [string, (d: unknown) => void][] {
  const listeners: [string, (d: unknown) => void][] = [];
  (window as unknown as { runtime: unknown }).runtime = {
    EventsOnMultiple: (name: string, cb: (d: unknown) => void) => {
      listeners.push([name, cb]);
      return off;
    },
  };
  return listeners;
}

type Bound = Record<string, () => Promise<unknown>>;

/** bind installs a fake of one service as Wails injects it: window.go.app.Query, .Sync, ... */
function bind(service: 'Query' | 'Sync' | 'Profiles' | 'Export' | 'Preferences', methods: Bound): void {
  (window as unknown as { go: unknown }).go = { app: { [service]: methods } };
}

afterEach(() => {
  delete (window as unknown as { go?: unknown }).go;
});

describe('lib/api outside Wails', () => {
  it('rejects with a clear internal ApiError instead of a TypeError', async () => {
    const err = await status().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({
      code: app.ErrorCode.Internal,
      message: 'not connected to the AuditDesk backend',
    });
  });
});

describe('lib/api inside Wails', () => {
  it('normalises a rejected Refresh into an ApiError', async () => {
    bind('Sync', { Refresh: () => Promise.reject({ code: 'no_profile', message: 'no profile yet' }) });
    await expect(refresh()).rejects.toMatchObject({
      code: app.ErrorCode.NoProfile,
      message: 'no profile yet',
    });
  });

  it('normalises a string rejection from Export', async () => {
    bind('Export', { Run: () => Promise.reject('export: disk full') });
    const err = await exportView(exportRequest).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).message).toBe('export: disk full');
  });

  it('gives Status as Go sends it: no profile is null', async () => {
    const sent = { version: '0.1.0-dev', dataDir: '/d', profile: null, events: 0, gaps: [] };
    bind('Profiles', { Status: () => Promise.resolve(sent) });
    expect(await status()).toEqual(sent);
  });

  it("passes Connect its URL and token, and a rejection keeps Go's code", async () => {
    const calls: unknown[][] = [];
    bind('Sync', {
      Connect: (...args: unknown[]) => {
        calls.push(args);
        return Promise.reject(new Error('{"code":"unauthenticated","message":"the token was refused"}'));
      },
    } as unknown as Bound);
    await expect(connect('https://p/api', 'tok')).rejects.toMatchObject({
      code: app.ErrorCode.Unauthenticated,
      message: 'the token was refused',
    });
    expect(calls).toEqual([['https://p/api', 'tok']]);
  });

  it('lists the scopes as Go gives them', async () => {
    bind('Query', { Scopes: () => Promise.resolve([{ scope: 'Billing', categories: ['Wallet'] }]) });
    expect(await scopes()).toEqual([{ scope: 'Billing', categories: ['Wallet'] }]);
  });
});

describe('the query API', () => {
  const req: QueryRequest = {
    filter: filterText({ search: 'alice', scope: 'Billing', categories: ['Wallet'] }),
    sort: audit.SortField.User,
    desc: false,
  };

  it('passes Query its request and returns its result', async () => {
    const calls: unknown[][] = [];
    const result = {
      id: 3,
      total: 2,
      events: 10,
      newest: '',
      facets: { scopes: [{ value: 'Billing', n: 2 }], categories: [], statuses: [], users: [] },
      histogram: [],
      sort: 'user:asc',
      timeZone: 'UTC',
      elapsedMs: 0.5,
    };
    bind('Query', {
      Run: (...args: unknown[]) => {
        calls.push(args);
        return Promise.resolve(result);
      },
    } as unknown as Bound);
    expect(await query(req)).toEqual(result);
    expect(calls).toEqual([[req]]);
  });

  it("passes Rows its window, and query_gone keeps Go's code", async () => {
    const calls: unknown[][] = [];
    bind('Query', {
      Rows: (...args: unknown[]) => {
        calls.push(args);
        return calls.length === 1
          ? Promise.resolve({ queryId: 3, offset: 200, rows: [] })
          : Promise.reject(new Error('{"code":"query_gone","message":"run the query again"}'));
      },
    } as unknown as Bound);
    expect(await rows(3, 200, 200)).toEqual({ queryId: 3, offset: 200, rows: [] });
    await expect(rows(3, 400, 200)).rejects.toMatchObject({ code: app.ErrorCode.QueryGone });
    expect(calls).toEqual([
      [3, 200, 200],
      [3, 400, 200],
    ]);
  });
});

const exportRequest: ExportRequest = {
  query: {
    filter: filterText({ status: 'FAILED' }),
    sort: audit.SortField.User,
    desc: false,
  },
  path: '/home/alice/failed.csv',
  format: app.ExportFormat.CSV,
  bom: false,
  keepFormulas: false,
};

describe('the export API', () => {
  afterEach(() => {
    delete (window as unknown as { runtime?: unknown }).runtime;
  });

  it('passes ChooseFile the format; a dismissed dialog is ""', async () => {
    const calls: unknown[][] = [];
    bind('Export', {
      ChooseFile: (...args: unknown[]) => {
        calls.push(args);
        return Promise.resolve(calls.length === 1 ? '/home/alice/a.xlsx' : '');
      },
    } as unknown as Bound);
    expect(await chooseExportFile(app.ExportFormat.XLSX)).toBe('/home/alice/a.xlsx');
    expect(await chooseExportFile(app.ExportFormat.CSV)).toBe('');
    expect(calls).toEqual([['xlsx'], ['csv']]);
  });

  it("passes Run its request and returns the result; cancelled keeps Go's code", async () => {
    const calls: unknown[][] = [];
    const result = {
      path: '/home/alice/failed.csv',
      manifest: '/home/alice/failed.csv.manifest.json',
      format: 'csv',
      rows: 42,
      sha256: 'ab12',
      bytes: 9,
    };
    bind('Export', {
      Run: (...args: unknown[]) => {
        calls.push(args);
        return calls.length === 1
          ? Promise.resolve(result)
          : Promise.reject(new Error('{"code":"cancelled","message":"cancelled"}'));
      },
    } as unknown as Bound);
    expect(await exportView(exportRequest)).toEqual(result);
    await expect(exportView(exportRequest)).rejects.toMatchObject({ code: app.ErrorCode.Cancelled });
    expect(calls).toEqual([[exportRequest], [exportRequest]]);
  });

  it('calls Cancel and ShowFile with the path', async () => {
    const calls: unknown[][] = [];
    bind('Export', {
      Cancel: (...args: unknown[]) => (calls.push(['Cancel', ...args]), Promise.resolve()),
      ShowFile: (...args: unknown[]) => (calls.push(['ShowFile', ...args]), Promise.resolve()),
    } as unknown as Bound);
    await cancelExport();
    await showFile('/home/alice/failed.csv');
    expect(calls).toEqual([['Cancel'], ['ShowFile', '/home/alice/failed.csv']]);
  });

  it('lists the activity log as Go gives it', async () => {
    const entry = {
      time: '2026-12-01T09:00:00Z',
      kind: 'export',
      osUser: 'alice',
      user: 'alice@example.com',
      file: '/home/alice/a.csv',
      format: 'csv',
      rows: 3,
      sha256: 'ab12',
      filter: 'all events',
      sort: 'timestamp:desc',
    };
    bind('Profiles', { Activity: () => Promise.resolve([entry]) });
    expect(await activity()).toEqual([entry]);
  });

  it('subscribes to "export:progress", filling what is missing', () => {
    expect(typeof onExportProgress(() => {})).toBe('function');
    const listeners = fakeEvents();
    const seen: unknown[] = [];
    onExportProgress((p) => seen.push(p));
    expect(listeners.map(([n]) => n)).toEqual(['export:progress']);
    listeners[0][1]({ rows: 100, total: 1000 });
    listeners[0][1]({ done: true });
    expect(seen).toEqual([
      { rows: 100, total: 1000, done: false },
      { rows: 0, total: 0, done: true },
    ]);
  });

  it('copies through the Wails clipboard when there is one', async () => {
    const set = vi.fn(async () => true);
    (window as unknown as { runtime: unknown }).runtime = { ClipboardSetText: set };
    expect(await copyText('ab12')).toBe(true);
    expect(set).toHaveBeenCalledWith('ab12');
  });
});

describe('sync progress events', () => {
  afterEach(() => {
    delete (window as unknown as { runtime?: unknown }).runtime;
  });

  it('fills what Go omits (omitempty, omitzero) and drops unknown wait reasons', () => {
    expect(normaliseProgress({ profile: 'demo/owner', events: 500, hasTotal: true, total: 40000 })).toEqual({
      profile: 'demo/owner',
      pages: 0,
      events: 500,
      new: 0,
      duplicates: 0,
      total: 40000,
      hasTotal: true,
      waits: 0,
      waiting: '',
      waitUntil: '',
      restarts: 0,
      newest: '',
      done: false,
      indexing: false,
    });
    expect(normaliseProgress({ indexing: true }).indexing).toBe(true);
    expect(normaliseProgress({ waiting: 'exploded' }).waiting).toBe('');
    expect(normaliseProgress(null).events).toBe(0);
  });

  it('is a no-op outside Wails', () => {
    const off = onSyncProgress(() => {});
    expect(typeof off).toBe('function');
    off();
  });

  it('subscribes to "sync:progress" through the Wails runtime and unsubscribes', () => {
    const off = vi.fn();
    const listeners = fakeEvents(off);
    const seen: number[] = [];
    const unsubscribe = onSyncProgress((p) => seen.push(p.events));
    expect(listeners.map(([n]) => n)).toEqual(['sync:progress']);
    listeners[0][1]({ events: 42, waiting: 'rate_limited' });
    expect(seen).toEqual([42]);
    unsubscribe();
    expect(off).toHaveBeenCalledTimes(1);
  });

  it('subscribes to "index:updated", filling what is missing', () => {
    const listeners = fakeEvents();
    const seen: unknown[] = [];
    onIndexUpdated((u) => seen.push(u));
    expect(listeners.map(([n]) => n)).toEqual(['index:updated']);
    listeners[0][1]({ profile: 'demo-org/owner', events: 40000, added: 120 });
    listeners[0][1](null);
    expect(seen).toEqual([
      { profile: 'demo-org/owner', events: 40000, added: 120 },
      { profile: '', events: 0, added: 0 },
    ]);
    expect(typeof onIndexUpdated(() => {})).toBe('function');
  });

  it('index:updated is a no-op outside Wails', () => {
    delete (window as unknown as { runtime?: unknown }).runtime;
    const off = onIndexUpdated(() => {});
    off();
  });
});
