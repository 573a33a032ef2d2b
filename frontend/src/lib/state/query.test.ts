import { flushSync } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import { acme, emptyStatus, filterText, listen, queryResult, rowsFor } from '../../test-fixtures';
import { ErrorState } from './errors.svelte';
import { FilterState } from './filter.svelte';
import { defaultSort, QueryState, rerunDelayMs, searchDebounceMs } from './query.svelte';
import { SessionState } from './status.svelte';
import { SyncState } from './sync.svelte';

vi.mock('../api', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../api')>()),
  query: vi.fn(),
  rows: vi.fn(),
  shown: vi.fn(),
  onIndexUpdated: vi.fn(),
}));

const { app, audit, ApiError } = api;

let indexUpdated: (u: api.IndexUpdate) => void;
let filter: FilterState;
let errors: ErrorState;
let session: SessionState;
let sync: SyncState;
let q: QueryState;
let nextId: number;

beforeEach(() => {
  vi.useFakeTimers();
  nextId = 1;
  vi.mocked(api.query)
    .mockReset()
    .mockImplementation(async () => queryResult({ id: nextId++, total: 1000, events: 5000 }));
  vi.mocked(api.rows)
    .mockReset()
    .mockImplementation(async (id, offset, limit) => rowsFor(id, offset, limit));
  indexUpdated = listen(api.onIndexUpdated);
  filter = new FilterState();
  errors = new ErrorState();
  session = new SessionState(errors);
  session.status = { ...emptyStatus, profile: acme, events: 5000 };
  sync = new SyncState(session, errors);
  q = new QueryState(filter, session, sync, errors);
});

afterEach(() => {
  q.stop();
  vi.useRealTimers();
});

/** started starts q and lets its first query answer. */
async function started(): Promise<void> {
  q.start();
  flushSync();
  await vi.advanceTimersByTimeAsync(0);
}

const sent = () => vi.mocked(api.query).mock.calls.map(([req]) => req);

describe('QueryState', () => {
  it('tells Go once, after the frame that paints them, that the first rows are on screen', async () => {
    const frames: FrameRequestCallback[] = [];
    vi.stubGlobal('requestAnimationFrame', (f: FrameRequestCallback) => frames.push(f));
    try {
      vi.mocked(api.query).mockImplementation(async () =>
        queryResult({ id: nextId, total: 300, rows: rowsFor(nextId++, 0, 200).rows }),
      );
      await started();
      expect(frames).toHaveLength(1);
      expect(api.shown).not.toHaveBeenCalled();
      frames[0](0);
      // Still in the frame, before its paint.
      expect(api.shown).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(0);
      expect(api.shown).toHaveBeenCalledExactlyOnceWith(1, 200);
      q.rerun();
      await vi.advanceTimersByTimeAsync(rerunDelayMs);
      expect(q.result?.id).toBe(2);
      expect(frames).toHaveLength(1);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('queries nothing without a profile, and the result stays empty', async () => {
    session.status = emptyStatus;
    await started();
    await vi.advanceTimersByTimeAsync(1000);
    expect(api.query).not.toHaveBeenCalled();
    expect(q.result).toBeNull();
    expect(q.loading).toBe(false);
  });

  it('queries on start, newest first, and holds the answer', async () => {
    const res = queryResult({
      id: 7,
      total: 12345,
      events: 1_000_000,
      elapsedMs: 3.25,
      facets: { scopes: [{ value: 'Service', n: 12345 }], categories: [], statuses: [], users: [] },
      histogram: [{ start: '2026-11-01T00:00:00.000Z', end: '2026-11-02T00:00:00.000Z', count: 12345 }],
    });
    vi.mocked(api.query).mockResolvedValueOnce(res);
    await started();
    expect(sent()).toEqual([
      {
        // The preferences' zone, UTC until they say otherwise.
        filter: filterText({ timeZone: 'UTC' }),
        sort: 'timestamp',
        desc: true,
        // The first block of rows, in the same answer.
        firstRows: 200,
      },
    ]);
    expect(q.sort).toEqual(defaultSort);
    expect(q.result).toEqual(res);
    expect(q.loading).toBe(false);
    // The debounce of the first search has nothing new to ask.
    await vi.advanceTimersByTimeAsync(searchDebounceMs * 2);
    expect(api.query).toHaveBeenCalledTimes(1);
  });

  it('queries a key after a pause at once, debounces a burst, sends it trimmed, and queries selects at once', async () => {
    await started();
    await vi.advanceTimersByTimeAsync(searchDebounceMs * 2);
    for (const text of ['a', 'al', 'ali', ' alice ']) {
      filter.search = text;
      flushSync();
      await vi.advanceTimersByTimeAsync(searchDebounceMs / 3);
    }
    // 'a' came after a pause; the rest of the burst waits for it to end.
    expect(sent().map((r) => r.filter.search)).toEqual(['', 'a']);
    await vi.advanceTimersByTimeAsync(searchDebounceMs);
    expect(sent().map((r) => r.filter.search)).toEqual(['', 'a', 'alice']);

    filter.setScope(audit.Scope.Billing);
    flushSync();
    expect(sent().at(-1)?.filter).toMatchObject({ search: 'alice', scope: 'Billing', categories: [] });
    filter.setCategory('Wallet');
    filter.status = audit.Status.FAILED;
    flushSync();
    expect(sent().at(-1)?.filter).toMatchObject({ scope: 'Billing', categories: ['Wallet'], status: 'FAILED' });
    expect(api.query).toHaveBeenCalledTimes(5);
  });

  it('typing back to what was asked queries nothing', async () => {
    await started();
    filter.search = 'x';
    flushSync();
    filter.search = '';
    flushSync();
    await vi.advanceTimersByTimeAsync(searchDebounceMs);
    expect(api.query).toHaveBeenCalledTimes(1);
  });

  it('drops the answer to an older request', async () => {
    await started();
    let answerOld!: (r: api.QueryResult) => void;
    vi.mocked(api.query)
      .mockReturnValueOnce(new Promise((r) => (answerOld = r)))
      .mockResolvedValueOnce(queryResult({ id: 21, total: 3 }));
    filter.status = audit.Status.SUCCESS;
    flushSync();
    filter.status = audit.Status.FAILED;
    flushSync();
    await vi.advanceTimersByTimeAsync(0);
    expect(q.result?.id).toBe(21);
    answerOld(queryResult({ id: 20, total: 999 }));
    await vi.advanceTimersByTimeAsync(0);
    expect(q.result?.id).toBe(21);
    expect(q.loading).toBe(false);
  });

  it('sortBy flips the sorted column and starts a new one A to Z', async () => {
    await started();
    q.sortBy(api.audit.SortField.Timestamp);
    expect(q.sort).toEqual({ field: 'timestamp', desc: false });
    q.sortBy(api.audit.SortField.User);
    expect(q.sort).toEqual({ field: 'user', desc: false });
    flushSync();
    expect(sent().at(-1)).toMatchObject({ sort: 'user', desc: false });
    q.sortBy(api.audit.SortField.User);
    flushSync();
    expect(sent().at(-1)).toMatchObject({ sort: 'user', desc: true });
  });

  it('a new filter sends the table to its top; index:updated re-runs the same view where it is', async () => {
    await started();
    await vi.advanceTimersByTimeAsync(0);
    q.ensureRows({ first: 0, end: 10 });
    await vi.advanceTimersByTimeAsync(0);
    expect(q.row(3)?.id).toBe('1-3');
    const view = q.view;

    indexUpdated({ profile: 'acme/alice', events: 5100, added: 100 });
    indexUpdated({ profile: 'acme/alice', events: 5200, added: 100 });
    await vi.advanceTimersByTimeAsync(rerunDelayMs);
    expect(api.query).toHaveBeenCalledTimes(2);
    expect(sent()[1]).toEqual(sent()[0]);
    expect(q.result?.id).toBe(2);
    expect(q.view).toBe(view);
    // The old rows show until the new block arrives.
    expect(q.row(3)?.id).toBe('1-3');
    q.ensureRows({ first: 0, end: 10 });
    await vi.advanceTimersByTimeAsync(0);
    expect(q.row(3)?.id).toBe('2-3');

    filter.search = 'bob';
    flushSync();
    await vi.advanceTimersByTimeAsync(searchDebounceMs);
    expect(q.view).toBe(view + 1);
    expect(q.row(3)).toBeUndefined();
  });

  it('shows the first rows that came with the answer without asking for them', async () => {
    vi.mocked(api.query).mockResolvedValueOnce(queryResult({ id: 4, total: 250, rows: rowsFor(4, 0, 200).rows }));
    await started();
    q.ensureRows({ first: 0, end: 40 });
    await vi.advanceTimersByTimeAsync(0);
    expect(q.row(0)?.id).toBe('4-0');
    expect(q.row(199)?.id).toBe('4-199');
    expect(api.rows).not.toHaveBeenCalled();
    // The rows past them are asked for as before.
    q.ensureRows({ first: 190, end: 230 });
    await vi.advanceTimersByTimeAsync(0);
    expect(api.rows).toHaveBeenCalledTimes(1);
    expect(vi.mocked(api.rows).mock.calls[0]).toEqual([4, 200, 50]);
  });

  it('re-runs the query once a sync ends', async () => {
    await started();
    sync.running = true;
    flushSync();
    await vi.advanceTimersByTimeAsync(rerunDelayMs);
    expect(api.query).toHaveBeenCalledTimes(1);
    sync.running = false;
    flushSync();
    await vi.advanceTimersByTimeAsync(rerunDelayMs);
    expect(api.query).toHaveBeenCalledTimes(2);
  });

  it('queries again when the profile changes, from the top', async () => {
    await started();
    const view = q.view;
    session.status = { ...emptyStatus, profile: { ...acme, name: 'other/bob' }, events: 9 };
    flushSync();
    await vi.advanceTimersByTimeAsync(0);
    expect(api.query).toHaveBeenCalledTimes(2);
    expect(q.view).toBe(view + 1);
    // A status with the same profile (the poll during a sync) asks nothing.
    session.status = { ...session.status, events: 10 };
    flushSync();
    await vi.advanceTimersByTimeAsync(searchDebounceMs);
    expect(api.query).toHaveBeenCalledTimes(2);
  });

  it('on query_gone from rows, runs the query again', async () => {
    await started();
    vi.mocked(api.rows).mockRejectedValueOnce(
      new ApiError(app.ErrorCode.QueryGone, "this view's results were replaced by newer ones; run the query again"),
    );
    q.ensureRows({ first: 0, end: 10 });
    await vi.advanceTimersByTimeAsync(rerunDelayMs);
    expect(api.query).toHaveBeenCalledTimes(2);
    q.ensureRows({ first: 0, end: 10 });
    await vi.advanceTimersByTimeAsync(0);
    expect(q.row(0)?.id).toBe('2-0');
    expect(errors.current).toBeNull();
  });

  it('shows a bad filter in the banner, one line, and holds no result', async () => {
    await started();
    vi.mocked(api.query).mockRejectedValueOnce(
      new Error('{"code":"invalid_input","message":"bad filter: status:\\n \\"X\\" is not SUCCESS or FAILED"}'),
    );
    filter.status = 'X' as api.audit.Status;
    flushSync();
    await vi.advanceTimersByTimeAsync(0);
    expect(errors.current?.code).toBe(app.ErrorCode.InvalidInput);
    expect(errors.current?.message).toBe('bad filter: status: "X" is not SUCCESS or FAILED');
    expect(q.result).toBeNull();
    expect(q.loading).toBe(false);
  });

  it('another failure keeps the last result and shows it; a no_profile only empties the table', async () => {
    await started();
    vi.mocked(api.query).mockRejectedValueOnce(new ApiError(app.ErrorCode.Internal, 'store: read: disk'));
    filter.status = audit.Status.FAILED;
    flushSync();
    await vi.advanceTimersByTimeAsync(0);
    expect(errors.current?.message).toBe('store: read: disk');
    expect(q.result?.id).toBe(1);

    errors.dismiss();
    vi.mocked(api.query).mockRejectedValueOnce(new ApiError(app.ErrorCode.NoProfile, 'no profile yet'));
    filter.status = audit.Status.SUCCESS;
    flushSync();
    await vi.advanceTimersByTimeAsync(0);
    expect(q.result).toBeNull();
    expect(errors.current).toBeNull();
  });
});

describe("the boot script's answer", () => {
  /** first is Go's answer to the first query, as /boot.js carries it. */
  const first = (over: Partial<api.QueryRequest> = {}) => ({
    request: {
      filter: filterText({ timeZone: q.viewFilter.timeZone }),
      sort: audit.SortField.Timestamp,
      desc: true,
      firstRows: 200,
      ...over,
    },
    result: queryResult({ id: 77, total: 1000, events: 5000, rows: rowsFor(77, 0, 200).rows }),
  });

  it('is the first answer, with its rows, and no query goes out', async () => {
    q.start(first());
    expect(q.result?.id).toBe(77);
    expect(q.row(0)).toEqual(rowsFor(77, 0, 1).rows[0]);
    flushSync();
    await vi.advanceTimersByTimeAsync(0);
    expect(sent()).toEqual([]);
    // What is asked next goes out as usual.
    filter.status = audit.Status.FAILED;
    flushSync();
    await vi.advanceTimersByTimeAsync(0);
    expect(sent()).toHaveLength(1);
    expect(sent()[0].filter.status).toBe('FAILED');
  });

  it('is not taken for a view that asks otherwise: the first query goes out', async () => {
    const cases: [string, () => void, ReturnType<typeof first>][] = [
      ['another zone', () => {}, first({ filter: filterText({ timeZone: 'Pacific/Kiritimati' }) })],
      ['another sort', () => {}, first({ desc: false })],
      ['a filter', () => filter.setScope(audit.Scope.Billing), first()],
      [
        'a short first block',
        () => {},
        { ...first(), result: queryResult({ id: 77, total: 1000, rows: rowsFor(77, 0, 10).rows }) },
      ],
    ];
    for (const [what, prepare, boot] of cases) {
      q.stop();
      vi.mocked(api.query).mockClear();
      filter = new FilterState();
      q = new QueryState(filter, session, sync, errors);
      prepare();
      q.start(boot);
      flushSync();
      await vi.advanceTimersByTimeAsync(0);
      expect(sent(), what).toHaveLength(1);
      expect(q.result?.id, what).not.toBe(77);
    }
  });
});
