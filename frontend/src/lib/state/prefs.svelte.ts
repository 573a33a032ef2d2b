import * as api from '../api';
import { boot } from '../boot';
import { alwaysShown, withColumn, type ColumnKey, type Saved } from '../grid/columns';
import { errors as appErrors } from './errors.svelte';
import { filter as appFilter, type FilterState } from './filter.svelte';
import { joined } from './joined';

/** Row heights in px per density; the header is one row too. */
export const rowHeights: Record<api.Density, number> = { comfortable: 28, compact: 22 };

/**
 * PrefsState holds the display settings Go keeps: loaded at start, saved
 * through SetPreferences. The theme goes to <html data-theme>, which
 * app.css reads; the zone goes to the query and the filter's chips.
 */
export class PrefsState {
  current = $state.raw<api.Preferences>(api.defaultPreferences);
  loaded = $state(false);
  loadError = $state('');

  rowHeight = $derived(rowHeights[this.current.density]);
  timeZone = $derived(this.current.timeZone);

  private readonly filter: FilterState;
  constructor(filter = appFilter, saved = boot().preferences) {
    this.filter = filter;
    // The saved settings from Go's boot script: the first query has the
    // saved zone and the first paint the saved theme. load() reads them again.
    if (saved) this.set(saved);
  }

  /** load reads the settings; a call while one is on its way joins it (main.ts starts one before the mount). */
  readonly load = joined(() => this.fetch());

  private async fetch(): Promise<void> {
    try {
      this.set(await api.preferences());
    } catch (e) {
      // The defaults serve. No banner: it would hide the one that matters
      // (Status' failure, which this one most likely shares).
      this.loadError = api.toApiError(e).message;
    } finally {
      this.loaded = true;
    }
  }

  /** save sends the settings to Go and uses what it answers; a rejection is thrown for the form to show. */
  async save(p: Partial<api.Preferences>): Promise<void> {
    this.set(await api.setPreferences({ ...this.current, ...p }));
  }

  /**
   * setColumn hides, shows or sizes one column and saves it with the other
   * settings as loaded. The change shows at once; a refusal goes to the banner.
   */
  async setColumn(key: ColumnKey, change: Partial<Saved>): Promise<void> {
    if (key === alwaysShown && change.hidden === true) return;
    const columns = withColumn(this.current.columns, key, change);
    const before = this.current;
    this.current = { ...before, columns };
    try {
      this.set(await api.setPreferences(this.current));
    } catch (e) {
      this.current = before;
      appErrors.show(e);
    }
  }

  private set(p: api.Preferences): void {
    this.current = p;
    this.filter.zone = p.timeZone;
    if (typeof document !== 'undefined') document.documentElement.dataset.theme = p.theme;
  }
}

export const prefs = new PrefsState();
