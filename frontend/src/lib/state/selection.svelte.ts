import { untrack } from 'svelte';
import * as api from '../api';
import { query as appQuery, type QueryState } from './query.svelte';

/**
 * SelectionState is the table's selected row and the details panel. The
 * row is known by its index in the current result and by its event id, so
 * a re-query (a sync landed, a filter changed) finds it again with Locate.
 */
export class SelectionState {
  /** Row index in the current result, null when none. */
  index = $state<number | null>(null);
  /** The selected event's id; null until its row has arrived. */
  id = $state<string | null>(null);
  /** Whether the details panel is open. */
  open = $state(false);
  detail = $state.raw<api.EventDetail | null>(null);
  detailError = $state('');
  /** Bumped when the user moves the selection: the table scrolls it into view (a re-query does not). */
  reveal = $state(0);

  private readonly query: QueryState;
  private stopEffects: (() => void) | null = null;
  /** Replies to an older Event or Locate call are dropped. */
  private detailSeq = 0;
  private locateSeq = 0;

  constructor(query = appQuery) {
    this.query = query;
  }

  start(): void {
    if (this.stopEffects) return;
    this.stopEffects = $effect.root(() => {
      $effect(() => {
        const res = this.query.result;
        untrack(() => void this.relocate(res));
      });
      // A row selected before its block arrived gets its id when it does.
      $effect(() => {
        const i = this.index;
        const row = i === null ? undefined : this.freshRow(i);
        if (row && untrack(() => this.id) === null) untrack(() => (this.id = row.id));
      });
    });
  }

  stop(): void {
    this.stopEffects?.();
    this.stopEffects = null;
    this.detailSeq++;
    this.locateSeq++;
  }

  private get total(): number {
    return this.query.result?.total ?? 0;
  }

  /** select makes row i (clamped to the result) the selected one; reveal scrolls it into view. */
  select(i: number, reveal = true): void {
    if (this.total === 0) return;
    const at = Math.max(0, Math.min(this.total - 1, Math.trunc(i)));
    const changed = at !== this.index;
    this.index = at;
    this.id = this.freshRow(at)?.id ?? null;
    if (reveal) this.reveal++;
    if (changed && this.open) void this.load();
  }

  /** move goes n rows down (up when negative); from no selection it starts at from. */
  move(n: number, from = 0): void {
    if (this.index === null) this.select(from);
    else this.select(this.index + n);
  }

  openDetails(): void {
    if (this.index === null) return;
    this.open = true;
    void this.load();
  }

  close(): void {
    this.open = false;
    this.detailSeq++;
  }

  clear(): void {
    this.index = null;
    this.id = null;
    this.detail = null;
    this.close();
  }

  /** freshRow is row i of the current result; a stale row of the one before is another event. */
  private freshRow(i: number): api.Row | undefined {
    const row = this.query.row(i);
    return this.query.cache.loaded(i) ? row : undefined;
  }

  /** load reads the selected event's every field for the panel. */
  private async load(): Promise<void> {
    const res = this.query.result;
    const i = this.index;
    if (!res || i === null) return;
    const seq = ++this.detailSeq;
    this.detailError = '';
    try {
      const d = await api.event(res.id, i);
      if (seq === this.detailSeq) this.detail = d;
    } catch (e) {
      if (seq === this.detailSeq) this.detailError = api.toApiError(e).message;
    }
  }

  /** relocate finds the selected event in a new result; gone from the view, the selection goes too. */
  private async relocate(res: api.QueryResult | null): Promise<void> {
    const seq = ++this.locateSeq;
    if (this.index === null) return;
    if (!res || res.total === 0) {
      this.clear();
      return;
    }
    const id = this.id;
    if (id === null) {
      this.clear();
      return;
    }
    let at: number;
    try {
      at = await api.locate(res.id, id);
    } catch {
      // Go let the result go: the re-run that follows locates again.
      return;
    }
    if (seq !== this.locateSeq || this.query.result !== res) return;
    if (at < 0) {
      this.clear();
      return;
    }
    this.index = at;
    // The same event: the panel keeps what it shows, but reads it from the new result.
    if (this.open) void this.load();
  }
}

export const selection = new SelectionState();
