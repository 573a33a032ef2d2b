/** NoticeAction is a button on a notice, such as an export's "Show in folder". */
export interface NoticeAction {
  label: string;
  run: () => void;
}

/** NoticeCode is a value shown short, in full on hover and copyable: an export's SHA-256. */
export interface NoticeCode {
  label: string;
  value: string;
}

/** Extras are a notice's optional buttons and code. */
export interface NoticeExtras {
  actions?: NoticeAction[];
  code?: NoticeCode;
}

/** A notice is news that is not an error: a sync done, cancelled, or something Go wants said. */
export interface Notice extends NoticeExtras {
  id: number;
  kind: 'success' | 'neutral' | 'info';
  text: string;
}

/** How long a success notice stays; the others stay until dismissed or replaced. */
export const successMs = 8000;

/**
 * NoticeState holds the notices under the toolbar, newest last. Errors go
 * to the banner instead. A success fades by itself, unless it has buttons
 * (a button must not vanish under the pointer); a cancelled sync or an info
 * (such as "no OS keyring") stays until read and dismissed.
 */
export class NoticeState {
  list = $state.raw<Notice[]>([]);

  private next = 1;
  // Bookkeeping, never rendered, so a plain Map.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  private timers = new Map<number, ReturnType<typeof setTimeout>>();

  show(kind: Notice['kind'], text: string, extras: NoticeExtras = {}): number {
    const id = this.next++;
    // The same text twice (two syncs in a row) is one notice, the newer.
    this.list = [...this.list.filter((n) => n.text !== text), { id, kind, text, ...extras }].slice(-3);
    if (kind === 'success' && !extras.actions?.length) {
      this.timers.set(
        id,
        setTimeout(() => this.dismiss(id), successMs),
      );
    }
    return id;
  }

  dismiss(id: number): void {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
    this.list = this.list.filter((n) => n.id !== id);
  }

  /** dismissLast serves Esc: the newest notice goes first. */
  dismissLast(): boolean {
    const last = this.list.at(-1);
    if (!last) return false;
    this.dismiss(last.id);
    return true;
  }

  clear(): void {
    for (const id of this.timers.keys()) clearTimeout(this.timers.get(id));
    this.timers.clear();
    this.list = [];
  }
}

export const notices = new NoticeState();
