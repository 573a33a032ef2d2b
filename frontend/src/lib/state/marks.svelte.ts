import { untrack } from 'svelte';
import * as api from '../api';
import { markedText, undoneText } from '../marking';
import { dialogs as appDialogs, type DialogState } from './dialogs.svelte';
import { errors as appErrors, type ErrorState } from './errors.svelte';
import { filter as appFilter, type FilterState } from './filter.svelte';
import { notices as appNotices, type NoticeState } from './notices.svelte';
import { query as appQuery, type QueryState } from './query.svelte';
import { session as appSession, type SessionState } from './status.svelte';

/** MarkTarget is what the Mark dialog marks: one event, or every event of the view. */
export type MarkTarget =
  | { kind: 'event'; id: string; label: string }
  | { kind: 'view'; filter: api.FilterText; count: number; filtered: boolean };

/**
 * MarksState is the auditor's marks as the window knows them: the tags in
 * use (the Tag filter, the Tags column's default, the Mark dialog's
 * choices), read when the profile changes and after each change; the Mark
 * dialog's target; and Mark, Unmark and Undo with their notices. What
 * undoes a mark stays in Go: Undo asks Go to take back its newest.
 */
export class MarksState {
  /** Tags(): the builtin tags (n may be 0), then the auditor's own in use. */
  list = $state.raw<api.TagCount[]>([]);
  /** The tags some event carries, for the Tag filter. */
  inUse = $derived(this.list.filter((t) => t.n > 0));
  /** The profile has marks: the Tags column shows by default. */
  any = $derived(this.inUse.length > 0);
  target = $state.raw<MarkTarget | null>(null);
  /** A Mark, Unmark or Undo is on its way. */
  busy = $state(false);

  private stopEffects: (() => void) | null = null;
  private unlisten: (() => void) | null = null;
  /** Replies to an older Tags call (another profile's) are dropped. */
  private seq = 0;

  private readonly session: SessionState;
  private readonly query: QueryState;
  private readonly filter: FilterState;
  private readonly dialogs: DialogState;
  private readonly errors: ErrorState;
  private readonly notices: NoticeState;

  constructor(
    session = appSession,
    query = appQuery,
    filter = appFilter,
    dialogs = appDialogs,
    errors = appErrors,
    notices = appNotices,
  ) {
    this.session = session;
    this.query = query;
    this.filter = filter;
    this.dialogs = dialogs;
    this.errors = errors;
    this.notices = notices;
  }

  private get profile(): string | null {
    return this.session.status?.profile?.name ?? null;
  }

  /** start reads the tags whenever the profile shown changes, and takes them from each marks:changed. */
  start(): void {
    if (this.stopEffects) return;
    this.unlisten = api.onMarksChanged((c) => {
      if (c.profile === this.profile) this.list = c.tags;
    });
    this.stopEffects = $effect.root(() => {
      $effect(() => {
        const profile = this.profile;
        untrack(() => void this.load(profile));
      });
    });
  }

  stop(): void {
    this.stopEffects?.();
    this.stopEffects = null;
    this.unlisten?.();
    this.unlisten = null;
    this.seq++;
  }

  /** load reads the tags of profile (none without one); a marks file Go cannot read is said in the banner. */
  async load(profile = this.profile): Promise<void> {
    const seq = ++this.seq;
    if (profile === null) {
      this.list = [];
      return;
    }
    try {
      const list = await api.tags();
      if (seq === this.seq) this.list = list;
    } catch (e) {
      if (seq !== this.seq) return;
      this.list = [];
      this.errors.show(e);
    }
  }

  /** openForEvent opens the Mark dialog for one event; label says which, for people. */
  openForEvent(id: string, label: string): void {
    if (this.dialogs.open) return;
    this.target = { kind: 'event', id, label };
    this.dialogs.openMark();
  }

  /** openForView opens the Mark dialog for every event of the view the table shows. */
  openForView(): void {
    const res = this.query.result;
    if (this.dialogs.open || !res || res.total === 0) return;
    // The filter the count answers: a query still on its way counts other events.
    const f = this.query.answered?.filter ?? this.query.viewFilter;
    this.target = { kind: 'view', filter: f, count: res.total, filtered: this.filter.active };
    this.dialogs.openMark();
  }

  close(): void {
    this.dialogs.close();
  }

  /**
   * mark marks the dialog's target with tag and note, closes the dialog and
   * says what it did; a rejection is thrown for the dialog to show.
   */
  async mark(tag: string, note: string): Promise<void> {
    const t = this.target;
    if (t === null || this.busy) return;
    this.busy = true;
    try {
      const res =
        t.kind === 'event' ? await api.mark([t.id], api.noFilter, tag, note) : await api.mark([], t.filter, tag, note);
      this.took(res);
      this.dialogs.close();
      const changed = res.added + res.changed + res.removed > 0;
      this.notices.show(changed ? 'success' : 'neutral', markedText(res) + (changed ? ' · Ctrl+Z undoes it' : ''));
    } finally {
      this.busy = false;
    }
  }

  /** unmark takes tag off the event id (the details panel's ×); a failure goes to the banner. */
  async unmark(id: string, tag: string): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const res = await api.unmark([id], api.noFilter, tag);
      this.took(res);
      this.notices.show('success', markedText(res) + ' · Ctrl+Z undoes it');
    } catch (e) {
      this.errors.show(e);
    } finally {
      this.busy = false;
    }
  }

  /** undo takes back the newest mark or unmark made in this window (Ctrl+Z), and says what it undid. */
  async undo(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const res = await api.undoMark();
      this.took(res);
      this.notices.show('success', undoneText(res));
    } catch (e) {
      const err = api.toApiError(e);
      // Nothing left to undo is news, not a failure.
      if (err.code === api.app.ErrorCode.InvalidInput) this.notices.show('neutral', err.message);
      else this.errors.show(err);
    } finally {
      this.busy = false;
    }
  }

  /** took uses a change's answer at once: the tags, and the view read again (marks:changed may come later, or not at all outside Wails). */
  private took(res: api.MarkResult): void {
    this.list = res.tags;
    if (res.added + res.changed + res.removed > 0) this.query.rerun();
  }
}

export const marks = new MarksState();
