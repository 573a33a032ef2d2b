import * as api from '../api';
import { dialogs as appDialogs, type DialogState } from './dialogs.svelte';
import { session as appSession, type SessionState } from './status.svelte';

/**
 * VerifyState is "Verify cache…": one run at a time, its progress (Go
 * sends none, so the count of events being checked stands for it) and its
 * report or error, shown in the verify dialog.
 */
export class VerifyState {
  running = $state(false);
  /** How many events the run checks: the status' count when it started. */
  events = $state(0);
  result = $state.raw<api.VerifyResult | null>(null);
  error = $state('');

  private readonly session: SessionState;
  private readonly dialogs: DialogState;
  private seq = 0;

  constructor(session = appSession, dialogs = appDialogs) {
    this.session = session;
    this.dialogs = dialogs;
  }

  async run(): Promise<void> {
    this.dialogs.openVerify();
    if (this.running) return;
    const seq = ++this.seq;
    this.running = true;
    this.result = null;
    this.error = '';
    this.events = this.session.status?.events ?? 0;
    try {
      const r = await api.verifyCache();
      if (seq === this.seq) this.result = r;
    } catch (e) {
      if (seq === this.seq) this.error = api.toApiError(e).message;
    } finally {
      if (seq === this.seq) this.running = false;
    }
  }
}

export const verify = new VerifyState();
