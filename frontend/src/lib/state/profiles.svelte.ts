import * as api from '../api';
import { errors as appErrors, type ErrorState } from './errors.svelte';
import { filter as appFilter, type FilterState } from './filter.svelte';
import { selection as appSelection, type SelectionState } from './selection.svelte';
import { session as appSession, type SessionState } from './status.svelte';

/**
 * ProfilesState is the profile menu's list and the switch. The query
 * follows the status' profile by itself; the filters are reset because one
 * profile's users, actions and workspaces mean nothing in another's cache.
 */
export class ProfilesState {
  list = $state.raw<api.Profile[]>([]);
  loadError = $state('');
  switching = $state(false);

  private readonly session: SessionState;
  private readonly filter: FilterState;
  private readonly selection: SelectionState;
  private readonly errors: ErrorState;

  constructor(session = appSession, filter = appFilter, selection = appSelection, errors = appErrors) {
    this.session = session;
    this.filter = filter;
    this.selection = selection;
    this.errors = errors;
  }

  /** load reads the list; a failure is said in the menu, where the list would be. */
  async load(): Promise<void> {
    try {
      this.list = await api.profiles();
      this.loadError = '';
    } catch (e) {
      this.list = [];
      this.loadError = api.toApiError(e).message;
    }
  }

  async switchTo(name: string): Promise<void> {
    if (this.switching || name === this.session.status?.profile?.name) return;
    this.switching = true;
    try {
      const status = await api.switchProfile(name);
      this.selection.clear();
      this.filter.clear();
      this.session.status = status;
      // Go's answer is the new profile's status; read it again for the latest figures.
      await this.session.reloadStatus();
    } catch (e) {
      this.errors.show(e);
    } finally {
      this.switching = false;
    }
  }
}

export const profiles = new ProfilesState();
