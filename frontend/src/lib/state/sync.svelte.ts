import * as api from '../api';
import { lastSyncState } from '../format';
import { cancelledText, syncedText, type SyncKind } from '../progress';
import { dialogs as appDialogs, type DialogState } from './dialogs.svelte';
import { errors as appErrors, requestCancel, type ErrorState } from './errors.svelte';
import { notices as appNotices, type NoticeState } from './notices.svelte';
import { session as appSession, type SessionState } from './status.svelte';

/** OnError lets a dialog show a failure inline; it returns false to leave it to the banner. */
export type OnError = (e: api.ApiError) => boolean;

/** Codes that mean "this profile needs a (new) token": the prompt asks for one. */
const tokenCodes = new Set<api.app.ErrorCode>([api.app.ErrorCode.TokenNeeded, api.app.ErrorCode.Unauthenticated]);

/**
 * SyncState runs the four syncs (Refresh, OpenDemo, Connect, ProvideToken)
 * one at a time, keeps the newest progress event for the strip, and turns
 * each ending into the right message: a notice for success and cancel, the
 * token prompt when a token is needed, the banner (or a dialog) otherwise.
 * Whatever happened, the status is read again so the status bar is true.
 */
export class SyncState {
  running = $state(false);
  kind = $state<SyncKind>('refresh');
  progress = $state.raw<api.SyncProgress | null>(null);
  cancelling = $state(false);
  /** The clock the wait countdown reads; ticks only while the sync waits. */
  now = $state(Date.now());
  /**
   * watching is a sync this window did not start but hears of: another
   * window's, or its own from before a reload. Go tells no one when it
   * ends, so Status() is polled until it stops syncing. Status() is polled
   * during this window's own runs too, so the status bar counts along.
   */
  watching = $state(false);
  active = $derived(this.running || this.watching);

  private unlisten: (() => void) | null = null;
  private ticker: ReturnType<typeof setInterval> | null = null;
  private poller: ReturnType<typeof setInterval> | null = null;
  private polling = false;
  /** Bumped when a run or watch ends, so a poll answered late cannot undo its result. */
  private generation = 0;
  /** When this window's own run ended: its last events may trail its reply. */
  private endedAt = 0;

  private readonly session: SessionState;
  private readonly errors: ErrorState;
  private readonly notices: NoticeState;
  private readonly dialogs: DialogState;

  constructor(session = appSession, errors = appErrors, notices = appNotices, dialogs = appDialogs) {
    this.session = session;
    this.errors = errors;
    this.notices = notices;
    this.dialogs = dialogs;
  }

  /** start listens for progress, loads the status and, on a first launch, opens the demo. */
  async start(): Promise<void> {
    this.unlisten ??= api.onSyncProgress((p) => this.onProgress(p));
    await this.session.load();
    if (this.session.status?.syncing) this.watch();
    else if (this.session.status?.autoDemo) await this.openDemo();
  }

  stop(): void {
    this.unlisten?.();
    this.unlisten = null;
    this.setTicking(false);
    this.stopWatching();
  }

  refresh(): Promise<api.ApiError | null> {
    return this.run('refresh', api.refresh);
  }

  openDemo(): Promise<api.ApiError | null> {
    return this.run('demo', api.openDemo);
  }

  connect(apiUrl: string, token: string, onError?: OnError): Promise<api.ApiError | null> {
    return this.run('connect', () => api.connect(apiUrl, token), onError);
  }

  provideToken(token: string, onError?: OnError): Promise<api.ApiError | null> {
    return this.run('token', () => api.provideToken(token), onError);
  }

  async cancel(): Promise<void> {
    if (!this.active || this.cancelling) return;
    await requestCancel(this, this.errors, () => api.cancelRefresh());
  }

  /** run resolves with the failure (null on success) once the status is read again. */
  private async run(kind: SyncKind, call: () => Promise<api.Status>, onError?: OnError): Promise<api.ApiError | null> {
    if (this.running) {
      // The buttons are disabled meanwhile; a shortcut must not queue a second.
      const busy = new api.ApiError(api.app.ErrorCode.Busy, 'a sync is already running; wait for it or cancel it');
      onError?.(busy);
      return busy;
    }
    const before = this.session.status;
    this.running = true;
    this.kind = kind;
    this.progress = null;
    this.notices.clear();
    this.errors.dismiss();
    this.startPolling();
    let failure: api.ApiError | null = null;
    try {
      const after = await call();
      this.session.status = after;
      this.notices.show('success', syncedText(this.added(before, after)));
      if (after.notice !== '' && (kind === 'connect' || kind === 'token')) this.notices.show('info', after.notice);
    } catch (e) {
      failure = api.toApiError(e);
      this.fail(kind, failure, onError);
    } finally {
      this.running = false;
      this.endedAt = Date.now();
      this.generation++;
      if (!this.watching) this.stopPolling();
      this.cancelling = false;
      this.progress = null;
      this.setTicking(false);
    }
    await this.session.reloadStatus();
    return failure;
  }

  private fail(kind: SyncKind, e: api.ApiError, onError?: OnError): void {
    if (e.code === api.app.ErrorCode.Cancelled) {
      this.notices.show('neutral', cancelledText);
      return;
    }
    if (e.code === api.app.ErrorCode.Busy && kind !== 'connect' && kind !== 'token') {
      // Another window's sync: show it, as if this one had started it.
      this.watch();
      return;
    }
    const profile = this.session.status?.profile;
    if (kind === 'refresh' && tokenCodes.has(e.code) && profile && !profile.demo) {
      this.dialogs.askToken({ profile: profile.name, message: e.message });
      return;
    }
    if (onError?.(e)) return;
    this.errors.show(e);
  }

  /** added is the new events of a run: the progress says; the cache's growth confirms. */
  private added(before: api.Status | null, after: api.Status): number {
    const seen = this.progress?.new ?? 0;
    // Only the same cache can be compared; with no profile before, it was empty.
    if (before === null) return seen;
    const same = !before.profile || before.profile.name === after.profile?.name;
    return same ? Math.max(seen, after.events - (before.profile ? before.events : 0)) : seen;
  }

  private onProgress(p: api.SyncProgress): void {
    if (!this.running && !this.watching && Date.now() - this.endedAt < 1000) return;
    this.progress = p;
    this.now = Date.now();
    this.setTicking(p.waiting !== '' && !p.done);
    if (!this.running) this.watch();
  }

  private watch(): void {
    if (this.watching) return;
    this.watching = true;
    this.kind = 'refresh';
    this.startPolling();
  }

  private stopWatching(): void {
    this.stopPolling();
    this.watching = false;
    this.generation++;
  }

  private startPolling(): void {
    this.poller ??= setInterval(() => void this.poll(), 700);
  }

  private stopPolling(): void {
    if (this.poller !== null) clearInterval(this.poller);
    this.poller = null;
  }

  /**
   * poll reads Status() during a sync, for the status bar; a watched sync
   * it ends once Status() says none runs, and tells how it went.
   */
  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    const generation = this.generation;
    try {
      const s = await api.status();
      if (generation !== this.generation) return;
      if (this.running || s.syncing) {
        this.session.status = s;
        return;
      }
      if (!this.watching) return;
      const seen = this.progress?.new ?? 0;
      this.stopWatching();
      this.progress = null;
      this.cancelling = false;
      this.setTicking(false);
      this.session.status = s;
      const state = lastSyncState(s);
      if (state === 'ok') this.notices.show('success', syncedText(seen));
      else if (state === 'cancelled') this.notices.show('neutral', cancelledText);
      else this.errors.show(new api.ApiError(api.app.ErrorCode.Internal, s.lastSyncError));
    } catch {
      // Status failing now says nothing about the sync; try again at the next tick.
    } finally {
      this.polling = false;
    }
  }

  private setTicking(on: boolean): void {
    if (on && this.ticker === null) {
      this.ticker = setInterval(() => (this.now = Date.now()), 250);
    } else if (!on && this.ticker !== null) {
      clearInterval(this.ticker);
      this.ticker = null;
    }
  }
}

export const sync = new SyncState();
