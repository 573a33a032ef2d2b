import * as api from '../api';
import { boot } from '../boot';
import { errors, type ErrorState } from './errors.svelte';
import { joined } from './joined';

/**
 * SessionState is what the backend told us: the status and the scope
 * list. Syncs live in SyncState, exports in ExportState. Failures go to
 * the banner.
 */
export class SessionState {
  /** The boot script's until the first Status() answers: the first paint needs no call. */
  status = $state.raw<api.Status | null>(boot().status ?? null);
  /** statusFailed is true when Status() rejected, so the UI stops saying "loading". */
  statusFailed = $state(false);
  scopes = $state.raw<api.ScopeCategories[]>([]);

  private readonly errors: ErrorState;

  constructor(errors: ErrorState) {
    this.errors = errors;
  }

  /**
   * load fetches the status and scopes, independently of each other; a call
   * while one is on its way joins it (main.ts starts one before the mount).
   */
  readonly load = joined(() => this.fetch());

  private async fetch(): Promise<void> {
    const [status, scopes] = await Promise.allSettled([api.status(), api.scopes()]);
    if (scopes.status === 'fulfilled') this.scopes = scopes.value;
    else this.errors.show(scopes.reason);
    // Status' error wins the banner: it says why nothing else works.
    if (status.status === 'fulfilled') {
      this.status = status.value;
      this.statusFailed = false;
    } else {
      this.statusFailed = true;
      this.errors.show(status.reason);
    }
  }

  /**
   * reloadStatus reads the status again after a sync. A failure here keeps
   * the last known figures (the cache did not go away) and is not shown:
   * the sync's own outcome is the message that matters.
   */
  async reloadStatus(): Promise<void> {
    try {
      this.status = await api.status();
      this.statusFailed = false;
    } catch {
      if (this.status === null) this.statusFailed = true;
    }
  }
}

export const session = new SessionState(errors);
