// Shared set-up of the App tests.
import { afterAll, beforeAll } from 'vitest';
import { defaultPreferences, GroupField } from './lib/api';
import { dialogs } from './lib/state/dialogs.svelte';
import { drop } from './lib/state/drop.svelte';
import { errors } from './lib/state/errors.svelte';
import { filter } from './lib/state/filter.svelte';
import { exporter } from './lib/state/export.svelte';
import { groupBy } from './lib/state/groupby.svelte';
import { marks } from './lib/state/marks.svelte';
import { notices } from './lib/state/notices.svelte';
import { prefs } from './lib/state/prefs.svelte';
import { defaultSort, query } from './lib/state/query.svelte';
import { selection } from './lib/state/selection.svelte';
import { session } from './lib/state/status.svelte';
import { sync } from './lib/state/sync.svelte';
import { views } from './lib/state/views.svelte';

/**
 * resetStores puts the app-wide state singletons back as a fresh start has
 * them, for the App tests' beforeEach: each test renders App anew, but the
 * stores outlive a render.
 */
export function resetStores(): void {
  filter.clear();
  selection.clear();
  selection.stop();
  dialogs.close();
  drop.stop();
  drop.clear();
  errors.dismiss();
  notices.clear();
  sync.stop();
  sync.running = false;
  sync.progress = null;
  query.stop();
  query.sort = defaultSort;
  prefs.current = defaultPreferences;
  session.status = null;
  session.statusFailed = false;
  session.scopes = [];
  views.list = [];
  groupBy.close();
  groupBy.first = GroupField.User;
  groupBy.second = '';
  groupBy.top = 10;
  groupBy.pinned = [];
  marks.stop();
  marks.list = [];
  marks.target = null;
  marks.busy = false;
  exporter.report = false;
}

/**
 * tableHeight600 gives the table a height for the file's tests: jsdom lays
 * nothing out, so the rows the table shows are those of a 600px window.
 */
export function tableHeight600(): void {
  const clientHeight = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight');
  beforeAll(() => {
    Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
      configurable: true,
      get(this: HTMLElement) {
        return this.classList.contains('table-area') ? 600 : 0;
      },
    });
  });
  afterAll(() => {
    if (clientHeight) Object.defineProperty(HTMLElement.prototype, 'clientHeight', clientHeight);
  });
}
