import * as api from '../api';
import { presets, type Preset } from '../timerange';
import { errors as appErrors, type ErrorState } from './errors.svelte';
import { filter as appFilter, type FilterState } from './filter.svelte';
import { prefs as appPrefs, type PrefsState } from './prefs.svelte';
import { query as appQuery, queryRequest, type QueryState } from './query.svelte';
import { applyFilter, views as appViews, type ViewsState } from './views.svelte';

/** A change to the filters or the sort is saved for the next launch once they rest this long. */
export const lastSaveDelayMs = 800;

/** The time presets taken again from the launch's now, not kept as the range they were. */
const relative: readonly string[] = presets.map((p) => p.value).filter((p) => p !== 'all' && p !== 'custom');

/**
 * LastState carries the window's view across launches: restore puts the
 * filters, the sort and the applied view's name back as the preferences
 * (Go's boot script) left them, before the first query; start saves them
 * (Preferences.SetLast) a moment after each change. A relative time range
 * (the last 7 days) is taken again from now.
 */
export class LastState {
  private stopEffects: (() => void) | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private savedKey = '';
  private pendingKey = '';

  private readonly filter: FilterState;
  private readonly query: QueryState;
  private readonly views: ViewsState;
  private readonly prefs: PrefsState;
  private readonly errors: ErrorState;

  constructor(filter = appFilter, query = appQuery, views = appViews, prefs = appPrefs, errors = appErrors) {
    this.filter = filter;
    this.query = query;
    this.views = views;
    this.prefs = prefs;
    this.errors = errors;
  }

  /** restore applies the last view when the preferences keep it; the view it opens on is not saved again. */
  restore(now: number = Date.now()): void {
    const p = this.prefs.current;
    const l = p.last;
    if (!p.restoreLast || !l) {
      // Nothing to put back: the whole view, which is not written at launch.
      if (p.restoreLast) this.savedKey = JSON.stringify(this.last());
      return;
    }
    applyFilter(this.filter, l.filter);
    if (relative.includes(l.preset ?? '')) this.filter.setPreset(l.preset as Preset, now);
    const field = api.sortFields.find((f) => f === l.sort);
    if (field) this.query.sort = { field, desc: l.desc ?? false };
    if (l.view) this.views.markApplied(l.view);
    this.savedKey = JSON.stringify(this.last());
  }

  /** start saves the view shown a moment after it changes, and at once when the page goes (the window closes). */
  start(): void {
    if (this.stopEffects) return;
    if (typeof window !== 'undefined') window.addEventListener('pagehide', this.flush);
    this.stopEffects = $effect.root(() => {
      $effect(() => {
        const on = this.prefs.current.restoreLast;
        const key = JSON.stringify(this.last());
        if (this.timer !== null) clearTimeout(this.timer);
        this.timer = null;
        // Off, Go keeps no view: turned on again, the view shown is saved.
        if (!on) this.savedKey = '';
        if (!on || key === this.savedKey) return;
        this.pendingKey = key;
        this.timer = setTimeout(() => void this.save(key), lastSaveDelayMs);
      });
    });
  }

  /** flush saves a change still waiting for its moment: the window is closing. */
  readonly flush = (): void => {
    if (this.timer === null) return;
    clearTimeout(this.timer);
    void this.save(this.pendingKey);
  };

  stop(): void {
    if (typeof window !== 'undefined') window.removeEventListener('pagehide', this.flush);
    this.stopEffects?.();
    this.stopEffects = null;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** last is the view shown now, as Go keeps it: the applied view named only while unchanged. */
  private last(): api.LastView {
    const req = queryRequest(this.filter, this.query.sort);
    return {
      filter: req.filter,
      preset: this.filter.preset,
      sort: req.sort,
      desc: req.desc,
      view: this.views.changed ? '' : this.views.applied,
    };
  }

  private async save(key: string): Promise<void> {
    this.timer = null;
    if (!this.prefs.current.restoreLast) return;
    try {
      await api.setLast(JSON.parse(key) as api.LastView);
      this.savedKey = key;
    } catch (e) {
      this.errors.show(e);
    }
  }
}

export const last = new LastState();
