import * as api from '../api';
import { errors as appErrors, type ErrorState } from './errors.svelte';
import { filter as appFilter, type FilterState } from './filter.svelte';
import { prefs as appPrefs, type PrefsState } from './prefs.svelte';
import { query as appQuery, queryRequest, requestKey, type QueryState } from './query.svelte';

/**
 * applyFilter puts a view's filter on the filter bar. The bar holds one
 * category, so a view's first one is used; a category without a scope
 * (Member changes spans scopes) is kept as it is, as Go's filter allows.
 * A workspace has no control in the bar: it shows as a chip, by its ID.
 * Tags are kept whether or not the profile still has such marks.
 */
export function applyFilter(f: FilterState, v: api.FilterText): void {
  f.clear();
  f.search = v.search ?? '';
  f.setScope((v.scope ?? '') as api.audit.Scope | '');
  f.category = v.categories?.[0] ?? '';
  f.status = (v.status ?? '') as api.audit.Status | '';
  f.users = [...(v.users ?? [])];
  f.actions = [...(v.actions ?? [])];
  f.targets = [...(v.targets ?? [])];
  f.setWorkspace(v.workspace ?? '');
  f.tags = [...(v.tags ?? [])];
  f.setRange(v.from ?? '', v.to ?? '');
}

/** ViewsState is the Views menu: Go's list (built-ins first), applying, saving and deleting. */
export class ViewsState {
  list = $state.raw<api.View[]>([]);
  loading = $state(false);
  /** Set when Views() failed: the menu says so in place of the list. */
  loadError = $state('');

  private readonly filter: FilterState;
  private readonly query: QueryState;
  private readonly prefs: PrefsState;
  private readonly errors: ErrorState;

  constructor(filter = appFilter, query = appQuery, prefs = appPrefs, errors = appErrors) {
    this.filter = filter;
    this.query = query;
    this.prefs = prefs;
    this.errors = errors;
  }

  builtIn = $derived(this.list.filter((v) => v.builtIn));
  saved = $derived(this.list.filter((v) => !v.builtIn));

  /** The view applied last ('' for none), and what it asked: the toolbar names it, marked once the filters leave it. */
  applied = $state('');
  private appliedKey = $state('');
  /** changed: the filters or the sort are no longer the applied view's. */
  changed = $derived(this.applied !== '' && this.currentKey() !== this.appliedKey);

  private currentKey(): string {
    return requestKey(queryRequest(this.filter, this.query.sort, this.prefs.timeZone));
  }

  /** markApplied names the view the filters and the sort now are. */
  markApplied(name: string): void {
    this.applied = name;
    this.appliedKey = this.currentKey();
  }

  async load(): Promise<void> {
    this.loading = true;
    try {
      this.list = await api.views();
      this.loadError = '';
    } catch (e) {
      this.loadError = api.toApiError(e).message;
    } finally {
      this.loading = false;
    }
  }

  /** apply shows the view: its filter, its sort, and its columns when it names any. */
  async apply(v: api.View): Promise<void> {
    applyFilter(this.filter, v.query.filter);
    const field = api.sortFields.find((f) => f === v.query.sort);
    this.query.sort = field ? { field, desc: v.query.desc } : { field: api.audit.SortField.Timestamp, desc: true };
    this.markApplied(v.name);
    if (v.columns.length === 0) return;
    try {
      await this.prefs.save({ columns: v.columns });
    } catch (e) {
      this.errors.show(e);
    }
  }

  /** save names the current filter, sort and columns; a rejection is thrown for the dialog to show. */
  async save(name: string): Promise<void> {
    const q = queryRequest(this.filter, this.query.sort, this.prefs.timeZone);
    const view: api.View = { name, about: '', builtIn: false, columns: this.prefs.current.columns, query: q };
    this.list = await api.saveView(view);
    this.markApplied(name);
  }

  async remove(name: string): Promise<void> {
    try {
      this.list = await api.deleteView(name);
      if (this.applied === name) this.applied = '';
    } catch (e) {
      this.errors.show(e);
    }
  }
}

export const views = new ViewsState();
