// What the Mark dialog and the notices say of marks, as pure functions so
// the wording is tested without a DOM.
import type { MarkResult, TagCount } from './api';
import { formatCount, formatEvents } from './format';

/** confirmAbove: marking more events than this asks again first. */
export const confirmAbove = 1000;

/** markedText says what a mark did: "Marked 3 events finding", "Unmarked 1 event reviewed". */
export function markedText(r: Pick<MarkResult, 'tag' | 'unmark' | 'events' | 'added' | 'changed' | 'removed'>): string {
  const changed = r.added + r.changed + r.removed;
  if (changed === 0) {
    if (r.unmark)
      return r.events === 1
        ? `The event had no tag ${r.tag}`
        : `None of the ${formatEvents(r.events)} had the tag ${r.tag}`;
    return r.events === 1
      ? `The event was already marked ${r.tag}`
      : `The ${formatEvents(r.events)} were already marked ${r.tag}`;
  }
  const verb = r.unmark ? 'Unmarked' : 'Marked';
  const already = !r.unmark && changed < r.events ? ` (${formatCount(r.events - changed)} already were)` : '';
  return `${verb} ${formatEvents(changed)} ${r.tag}${already}`;
}

/** undoneText says what an Undo took back: "Undid: marked 3 events finding". */
export function undoneText(r: Pick<MarkResult, 'tag' | 'unmark' | 'events'>): string {
  return `Undid: ${r.unmark ? 'unmarked' : 'marked'} ${formatEvents(r.events)} ${r.tag}`;
}

/** tagLabel gives a tag with its count when it has one: "finding (3)". */
export function tagLabel(t: TagCount): string {
  return t.n > 0 ? `${t.tag} (${formatCount(t.n)})` : t.tag;
}

/** willMarkText says what the dialog will mark: "Marks 12,345 events matching the current filters." */
export function willMarkText(count: number, filtered: boolean): string {
  if (count === 1) return filtered ? 'Marks the 1 event matching the current filters.' : 'Marks the 1 event.';
  return filtered ? `Marks ${formatEvents(count)} matching the current filters.` : `Marks all ${formatEvents(count)}.`;
}
