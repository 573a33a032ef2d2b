import { untrack } from 'svelte';
import * as api from '../api';
import { boot as appBoot, type BootQuery } from '../boot';
import { BlockCache } from '../grid/blocks';
import { BLOCK_SIZE, type RowRange } from '../grid/viewport';
import { errors as appErrors, type ErrorState } from './errors.svelte';
import { filter as appFilter, type FilterState } from './filter.svelte';
import { prefs as appPrefs, type PrefsState } from './prefs.svelte';
import { session as appSession, type SessionState } from './status.svelte';
import { sync as appSync, type SyncState } from './sync.svelte';

/** Sort is the table's order: one column, and its direction. */
export interface Sort {
  field: api.SortField;
  desc: boolean;
}

/** The console's order: newest first. */
export const defaultSort: Sort = { field: api.audit.SortField.Timestamp, desc: true };

/**
 * A key typed within this long of the last search query waits this long for
 * the next key; a key after a pause queries at once, as do the selects. A
 * query of a million events answers in ~6 ms and the table paints in ~50
 * ms, so a keystroke updates the table within 100 ms (the million-event e2e
 * measures it) while a burst of keys makes few queries; answers to older
 * ones are dropped anyway.
 */
export const searchDebounceMs = 30;

/** index:updated and a sync's end come together; one re-run serves both. */
export const rerunDelayMs = 50;

/** How many query_gone replies in a row re-run the query before it is shown as an error. */
const maxGoneRetries = 3;

/** queryRequest is what the filter bar and the sort ask Go for. */
export function queryRequest(f: FilterState, sort: Sort, timeZone = ''): api.QueryRequest {
  return {
    filter: {
      // The chip shows the trimmed text; the query must search for what it shows.
      search: f.search.trim(),
      scope: f.scope,
      categories: f.category === '' ? [] : [f.category],
      actions: [...f.actions],
      status: f.status,
      users: [...f.users],
      targets: [...f.targets],
      workspace: f.workspace,
      tags: [...f.tags],
      from: f.from,
      to: f.to,
      // Go formats Row.timestamp in this zone and reads dates in it.
      timeZone,
    },
    sort: sort.field,
    desc: sort.desc,
  };
}

/**
 * requestKey is a request as a key: two requests with the same key ask
 * the same (lists absent or empty alike, as Go reads them).
 */
export function requestKey(req: api.QueryRequest): string {
  const f = req.filter;
  return JSON.stringify([
    f.search ?? '',
    f.scope ?? '',
    f.categories ?? [],
    f.actions ?? [],
    f.status ?? '',
    f.users ?? [],
    f.targets ?? [],
    f.workspace ?? '',
    f.tags ?? [],
    f.from ?? '',
    f.to ?? '',
    f.timeZone ?? '',
    req.sort || api.audit.SortField.Timestamp,
    req.desc,
  ]);
}

/**
 * QueryState turns the filters and the sort into Go queries and holds the
 * answer: the search waits for a pause in typing, the selects query at
 * once, and an answer to an older request is dropped. The same view is read
 * again when the index grows or a sync ends, keeping the table where it is.
 * The table's rows come through a BlockCache over the result's id.
 */
export class QueryState {
  sort = $state.raw<Sort>(defaultSort);
  /** The newest answer, null when there is none (no profile, or a bad filter). */
  result = $state.raw<api.QueryResult | null>(null);
  /** The request result answers: the filter bar reads its facets only if they fit. */
  answered = $state.raw<api.QueryRequest | null>(null);
  loading = $state(false);
  /** Bumped when rows arrive, so the table reads the cache again. */
  rowsVersion = $state(0);
  /** Bumped when a result for other filters, sort or profile arrives: the table goes to its top. */
  view = $state(0);

  readonly cache: BlockCache<api.Row>;

  // Arrow functions: the stores they read are set in the constructor, after these fields.
  private profile = $derived.by(() => this.session.status?.profile?.name ?? null);
  private request = $derived.by(() => queryRequest(this.filter, this.sort, this.prefs.timeZone));
  /** What the search effect waits on; the one below is everything else, queried at once. */
  private searchKey = $derived.by(() => this.request.filter.search);
  private selectsKey = $derived.by(() =>
    JSON.stringify([this.profile, { ...this.request, filter: { ...this.request.filter, search: '' } }]),
  );

  /** Every query gets the next number; only the newest one's answer is kept. */
  private seq = 0;
  private sentKey = '';
  private answeredKey = '';
  private goneRetries = 0;
  private searchTimer: ReturnType<typeof setTimeout> | null = null;
  /** When the search last queried (ms): a key after a pause goes at once. */
  private lastSearchAt = 0;
  private rerunTimer: ReturnType<typeof setTimeout> | null = null;
  /** Go has been told that the first rows are on screen. */
  private shownSent = false;
  private stopEffects: (() => void) | null = null;
  private unlisten: (() => void) | null = null;
  private unlistenMarks: (() => void) | null = null;

  private readonly filter: FilterState;
  private readonly session: SessionState;
  private readonly sync: SyncState;
  private readonly errors: ErrorState;
  private readonly prefs: PrefsState;

  constructor(filter = appFilter, session = appSession, sync = appSync, errors = appErrors, prefs = appPrefs) {
    this.filter = filter;
    this.prefs = prefs;
    this.session = session;
    this.sync = sync;
    this.errors = errors;
    this.cache = new BlockCache<api.Row>({
      fetchRows: async (id, offset, limit) => (await api.rows(id, offset, limit)).rows,
      onChange: () => {
        this.goneRetries = 0;
        this.rowsVersion++;
      },
      onError: (e) => this.rowsFailed(e),
    });
  }

  /**
   * start queries whenever what is asked changes, and again when the index
   * grows or the marks change; the first answer is the boot script's when
   * it answers what is asked now.
   */
  start(first: BootQuery | null = appBoot().first ?? null): void {
    if (this.stopEffects) return;
    if (first !== null) this.adopt(first);
    this.unlisten = api.onIndexUpdated(() => this.rerun());
    // A mark changes the rows' tags, and a view filtered by a tag may hold other events.
    this.unlistenMarks = api.onMarksChanged(() => this.rerun());
    let wasActive = untrack(() => this.sync.active);
    this.stopEffects = $effect.root(() => {
      $effect(() => {
        void this.selectsKey;
        untrack(() => void this.run());
      });
      $effect(() => {
        void this.searchKey;
        untrack(() => this.debounceSearch());
      });
      $effect(() => {
        const active = this.sync.active;
        if (wasActive && !active) untrack(() => this.rerun());
        wasActive = active;
      });
    });
  }

  /**
   * adopt installs an answer Go gave before the page ran (the boot script)
   * as the answer to what is asked now, when it is that: the same filter
   * in the same zone, the same sort, its first block whole. Else the first
   * query goes out as usual.
   */
  private adopt(first: BootQuery): void {
    const profile = this.profile;
    const req = this.request;
    const res = first.result;
    if (
      profile === null ||
      requestKey(req) !== requestKey(first.request) ||
      res.rows.length !== Math.min(BLOCK_SIZE, res.total)
    )
      return;
    const key = JSON.stringify([profile, req]);
    this.sentKey = key;
    this.install(res, req, key);
  }

  stop(): void {
    this.stopEffects?.();
    this.stopEffects = null;
    this.unlisten?.();
    this.unlistenMarks?.();
    this.unlisten = this.unlistenMarks = null;
    for (const t of [this.searchTimer, this.rerunTimer]) if (t !== null) clearTimeout(t);
    this.searchTimer = this.rerunTimer = null;
    // An answer on its way belongs to a store nobody reads now.
    this.seq++;
    this.sentKey = '';
  }

  /** viewFilter is the view's filter as the queries send it: the type-aheads count in it. */
  get viewFilter(): api.FilterText {
    return this.request.filter;
  }

  /** timeZone is the preferences' zone the queries are sent with. */
  get timeZone(): string {
    return this.prefs.timeZone;
  }

  /** sortBy sorts by a column; the sorted column again flips the direction. */
  sortBy(field: api.SortField): void {
    const s = this.sort;
    // A new column starts newest first for time, A to Z for text.
    this.sort = s.field === field ? { field, desc: !s.desc } : { field, desc: field === 'timestamp' };
  }

  /** rerun reads the current view again, soon, once for however many asked. */
  rerun(): void {
    if (this.rerunTimer !== null) return;
    this.rerunTimer = setTimeout(() => {
      this.rerunTimer = null;
      void this.run(true);
    }, rerunDelayMs);
  }

  /** row is row i of the result, or undefined while its block is on its way. */
  row(i: number): api.Row | undefined {
    void this.rowsVersion;
    return this.cache.get(i);
  }

  /** ensureView fetches the rows in view in one call, unless they are here; it resolves when they are. */
  ensureView(r: RowRange): Promise<void> {
    return this.cache.fetchRange(r);
  }

  /** hasRows tells whether every row of r is here (no placeholder would show). */
  hasRows(r: RowRange): boolean {
    return this.cache.has(r);
  }

  /** ensureRows fetches the blocks of rows the table is about to show. */
  ensureRows(r: RowRange): void {
    void this.cache.ensure(r);
  }

  /**
   * debounceSearch queries a key typed after a pause at once (the leading
   * edge: nothing to wait for), and the keys of a burst once it pauses.
   */
  private debounceSearch(): void {
    const now = Date.now();
    if (this.searchTimer === null && now - this.lastSearchAt > searchDebounceMs) {
      this.lastSearchAt = now;
      void this.run();
      return;
    }
    if (this.searchTimer !== null) clearTimeout(this.searchTimer);
    this.searchTimer = setTimeout(() => {
      this.searchTimer = null;
      this.lastSearchAt = Date.now();
      void this.run();
    }, searchDebounceMs);
  }

  /** run queries what is asked now; unless again, not when that was the last thing asked. */
  private async run(again = false): Promise<void> {
    const profile = this.profile;
    const req = this.request;
    const key = JSON.stringify([profile, req]);
    if (!again && key === this.sentKey) return;
    this.sentKey = key;
    const seq = ++this.seq;
    if (profile === null) {
      // No profile, no cache: the table keeps its empty state.
      this.install(null, null, '');
      this.loading = false;
      return;
    }
    this.loading = true;
    try {
      // The first block of rows comes with the answer: the table shows them without another call.
      const res = await api.query({ ...req, firstRows: BLOCK_SIZE });
      if (seq === this.seq) this.install(res, req, key);
    } catch (e) {
      if (seq === this.seq) this.failed(api.toApiError(e));
    } finally {
      if (seq === this.seq) this.loading = false;
    }
  }

  private install(res: api.QueryResult | null, req: api.QueryRequest | null, key: string): void {
    // The same request answered again (a sync landed): stay where the table is.
    const same = res !== null && key === this.answeredKey;
    this.result = res;
    this.answered = req;
    this.answeredKey = key;
    this.cache.reset(res?.id ?? null, res?.total ?? 0, same, res?.rows);
    if (!same) this.view++;
    this.rowsVersion++;
    if (res !== null && res.rows.length > 0) this.reportShown(res);
  }

  /**
   * reportShown tells Go, once, that the first rows are on screen: after
   * the frame that draws them (a timer set in requestAnimationFrame runs
   * after that frame's paint).
   */
  private reportShown(res: api.QueryResult): void {
    if (this.shownSent || typeof requestAnimationFrame !== 'function') return;
    this.shownSent = true;
    requestAnimationFrame(() => {
      setTimeout(() => void this.sendShown(res.id, res.rows.length), 0);
    });
  }

  private async sendShown(id: number, rows: number): Promise<void> {
    try {
      await api.shown(id, rows);
    } catch {
      // Only a log line depends on it: nothing to tell the user.
    }
  }

  private failed(e: api.ApiError): void {
    if (e.code === api.app.ErrorCode.NoProfile) {
      this.install(null, null, '');
      return;
    }
    // A bad filter matches nothing; keeping the last rows would show another filter's.
    if (e.code === api.app.ErrorCode.InvalidInput) this.install(null, null, '');
    // Asked again, the same request must query again rather than be skipped.
    this.sentKey = '';
    this.errors.show(e);
  }

  private rowsFailed(reason: unknown): void {
    const e = api.toApiError(reason);
    if (e.code === api.app.ErrorCode.QueryGone && this.goneRetries < maxGoneRetries) {
      // Go let the result go (newer ones replaced it): ask again for the same view.
      this.goneRetries++;
      this.rerun();
      return;
    }
    this.errors.show(e);
  }
}

export const query = new QueryState();
