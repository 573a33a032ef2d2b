import * as api from '../api';
import { dialogs as appDialogs, type DialogState } from './dialogs.svelte';

/**
 * ActivityState is the profile's activity log as the Activity dialog shows
 * it: read again each time the dialog opens, so a new export is listed.
 * A failure shows in the dialog, which is what the user is looking at.
 */
export class ActivityState {
  entries = $state.raw<api.ActivityEntry[]>([]);
  loading = $state(false);
  error = $state.raw<api.ApiError | null>(null);

  /** Each load gets the next number; only the newest one's answer is kept. */
  private seq = 0;
  private readonly dialogs: DialogState;

  constructor(dialogs = appDialogs) {
    this.dialogs = dialogs;
  }

  open(): void {
    if (this.dialogs.open) return;
    this.dialogs.openActivity();
    void this.load();
  }

  close(): void {
    this.dialogs.close();
  }

  async load(): Promise<void> {
    const seq = ++this.seq;
    this.loading = true;
    this.error = null;
    try {
      const list = await api.activity();
      if (seq === this.seq) this.entries = list;
    } catch (e) {
      if (seq === this.seq) this.error = api.toApiError(e);
    } finally {
      if (seq === this.seq) this.loading = false;
    }
  }
}

export const activity = new ActivityState();
