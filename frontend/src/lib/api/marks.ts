// The Marks service: the auditor's own tags and notes on events (one event,
// or every event of the view), taken off, undone; the tags in use; and the
// marks:changed event.
import * as Marks from '../../../wailsjs/go/app/Marks';
import { EventsOn } from '../../../wailsjs/runtime/runtime';
import type { app, audit } from '../../../wailsjs/go/models';
import { call, object, runtime } from './call';
import { num, str } from './coerce';

export type TagCount = app.TagCount;
export type MarkResult = app.MarkResult;
export type MarkInfo = app.MarkInfo;

/** noFilter is a filter of nothing: what mark and unmark take beside IDs, which name the events. */
export const noFilter: audit.FilterText = {
  search: '',
  scope: '',
  categories: [],
  actions: [],
  status: '',
  users: [],
  targets: [],
  workspace: '',
  from: '',
  to: '',
  timeZone: '',
};

/**
 * mark tags the events ids with tag and note, or with no ids every event
 * filter matches (the view). A bad tag or note, or an ID the cache does
 * not hold, rejects with invalid_input saying why.
 */
export async function mark(ids: string[], filter: audit.FilterText, tag: string, note: string): Promise<MarkResult> {
  return call(() => Marks.Mark(ids, filter, tag, note));
}

/** unmark takes tag off the events ids, or with no ids off every event filter matches. */
export async function unmark(ids: string[], filter: audit.FilterText, tag: string): Promise<MarkResult> {
  return call(() => Marks.Unmark(ids, filter, tag));
}

/**
 * undoMark puts the marks back as they were before the newest mark or
 * unmark this window made in the profile shown; with none left it rejects
 * with invalid_input.
 */
export async function undoMark(): Promise<MarkResult> {
  return call(Marks.Undo);
}

/** tags lists the builtin tags (n may be 0), then the auditor's own in use, with counts. */
export async function tags(): Promise<TagCount[]> {
  return call(Marks.Tags);
}

/** checkTag is tag as a mark keeps it (trimmed), or rejects with invalid_input saying why it cannot be one. */
export async function checkTag(tag: string): Promise<string> {
  return call(() => Marks.CheckTag(tag));
}

/** MarksChange is one "marks:changed" event: the window changed a profile's marks. */
export interface MarksChange {
  profile: string;
  tags: TagCount[];
}

export const marksChangedEvent = 'marks:changed';

export function normaliseMarksChange(raw: unknown): MarksChange {
  const c = object(raw);
  const list = Array.isArray(c.tags) ? c.tags : [];
  return {
    profile: str(c.profile),
    tags: list.map((t) => {
      const o = object(t);
      return { tag: str(o.tag), n: num(o.n), builtin: o.builtin === true };
    }),
  };
}

/** onMarksChanged calls cb after each change of the marks; outside Wails it is a no-op. */
export function onMarksChanged(cb: (c: MarksChange) => void): () => void {
  if (!runtime()?.EventsOnMultiple) return () => {};
  return EventsOn(marksChangedEvent, (data: unknown) => cb(normaliseMarksChange(data)));
}
