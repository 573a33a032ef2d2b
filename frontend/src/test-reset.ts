// resetStores puts the app-wide state singletons back as a fresh start has
// them, for the App tests' beforeEach: each test renders App anew, but the
// stores outlive a render.
import { defaultPreferences } from './lib/api';
import { dialogs } from './lib/state/dialogs.svelte';
import { errors } from './lib/state/errors.svelte';
import { filter } from './lib/state/filter.svelte';
import { notices } from './lib/state/notices.svelte';
import { prefs } from './lib/state/prefs.svelte';
import { defaultSort, query } from './lib/state/query.svelte';
import { selection } from './lib/state/selection.svelte';
import { session } from './lib/state/status.svelte';
import { sync } from './lib/state/sync.svelte';
import { views } from './lib/state/views.svelte';

export function resetStores(): void {
  filter.clear();
  selection.clear();
  selection.stop();
  dialogs.close();
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
}
