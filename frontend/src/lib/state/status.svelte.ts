import * as api from '../api';
import { errors, type ErrorState } from './errors.svelte';

/**
 * SessionState is what the backend told us: the status, the scope list,
 * and whether a Refresh or Export is running. Failures go to the banner.
 */
export class SessionState {
  status = $state.raw<api.Status | null>(null);
  /** statusFailed is true when Status() rejected, so the UI stops saying "loading". */
  statusFailed = $state(false);
  scopes = $state.raw<api.ScopeCategories[]>([]);
  refreshing = $state(false);
  exporting = $state(false);

  private readonly errors: ErrorState;

  constructor(errors: ErrorState) {
    this.errors = errors;
  }

  /** load fetches the status and scopes on mount, independently of each other. */
  async load(): Promise<void> {
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

  async refresh(): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    try {
      this.status = await api.refresh();
      this.statusFailed = false;
    } catch (e) {
      this.errors.show(e);
    } finally {
      this.refreshing = false;
    }
  }

  async exportView(): Promise<void> {
    if (this.exporting) return;
    this.exporting = true;
    try {
      await api.exportView();
    } catch (e) {
      this.errors.show(e);
    } finally {
      this.exporting = false;
    }
  }
}

export const session = new SessionState(errors);
