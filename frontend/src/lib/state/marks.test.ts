import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import { acme, demo, emptyStatus, filterText, listen, noTags, queryResult } from '../../test-fixtures';
import { DialogState } from './dialogs.svelte';
import { ErrorState } from './errors.svelte';
import { FilterState } from './filter.svelte';
import { MarksState } from './marks.svelte';
import { NoticeState } from './notices.svelte';
import { QueryState } from './query.svelte';
import { SessionState } from './status.svelte';
import { SyncState } from './sync.svelte';

vi.mock('../api', async (importOriginal) => {
  const { fakeApi } = await import('../../test-api');
  return fakeApi(await importOriginal<typeof import('../api')>(), {
    calls: ['tags', 'mark', 'unmark', 'undoMark'],
    listeners: ['onMarksChanged'],
  });
});

const { app, ApiError } = api;

const used: api.TagCount[] = [{ ...noTags[0], n: 3 }, noTags[1], noTags[2], { tag: 'Q4 sample', n: 2, builtin: false }];

const result = (over: Partial<api.MarkResult> = {}): api.MarkResult => ({
  tag: 'finding',
  unmark: false,
  undo: false,
  events: 3,
  added: 3,
  changed: 0,
  removed: 0,
  undoable: 1,
  tags: used,
  ...over,
});

let session: SessionState;
let query: QueryState;
let filter: FilterState;
let dialogs: DialogState;
let errors: ErrorState;
let notices: NoticeState;
let marks: MarksState;
let changed: (c: api.MarksChange) => void;

beforeEach(() => {
  for (const fn of [api.tags, api.mark, api.unmark, api.undoMark]) vi.mocked(fn).mockReset();
  vi.mocked(api.tags).mockResolvedValue(noTags);
  changed = listen(api.onMarksChanged);
  errors = new ErrorState();
  notices = new NoticeState();
  dialogs = new DialogState();
  filter = new FilterState();
  session = new SessionState(errors);
  session.status = { ...emptyStatus, profile: acme, events: 5000 };
  query = new QueryState(filter, session, new SyncState(session, errors), errors);
  vi.spyOn(query, 'rerun').mockImplementation(() => {});
  marks = new MarksState(session, query, filter, dialogs, errors, notices);
});

afterEach(() => {
  marks.stop();
});

const texts = () => notices.list.map((n) => [n.kind, n.text]);

describe('MarksState', () => {
  it('reads the tags of the profile shown, again when it changes, and takes them from marks:changed', async () => {
    vi.mocked(api.tags).mockResolvedValueOnce(used);
    marks.start();
    await vi.waitFor(() => expect(marks.any).toBe(true));
    expect(marks.inUse.map((t) => t.tag)).toEqual(['finding', 'Q4 sample']);
    session.status = { ...emptyStatus, profile: demo, events: 100 };
    await vi.waitFor(() => expect(marks.any).toBe(false));
    expect(api.tags).toHaveBeenCalledTimes(2);
    changed({ profile: acme.name, tags: used });
    expect(marks.any).toBe(false); // another profile's
    changed({ profile: demo.name, tags: used });
    expect(marks.inUse).toHaveLength(2);
  });

  it('marks one event by its ID, with the tag and the note, and says so', async () => {
    vi.mocked(api.mark).mockResolvedValue(result({ events: 1, added: 1 }));
    marks.openForEvent('evt_1', '(Stop Notebook by alice)');
    expect(dialogs.mark).toBe(true);
    await marks.mark('finding', 'MFA off');
    expect(api.mark).toHaveBeenCalledWith(['evt_1'], api.noFilter, 'finding', 'MFA off');
    expect(dialogs.mark).toBe(false);
    expect(texts()).toEqual([['success', 'Marked 1 event finding · Ctrl+Z undoes it']]);
    expect(marks.list).toEqual(used);
    expect(query.rerun).toHaveBeenCalled();
  });

  it('marks the view by the filter its count answers, not by IDs', async () => {
    const req = {
      filter: filterText({ status: 'FAILED', tags: ['Q4 sample'] }),
      sort: api.audit.SortField.Timestamp,
      desc: true,
    };
    query.result = queryResult({ total: 1234, events: 5000 });
    query.answered = req;
    filter.status = api.audit.Status.FAILED;
    vi.mocked(api.mark).mockResolvedValue(result({ tag: 'reviewed', events: 1234, added: 1200 }));
    marks.openForView();
    expect(marks.target).toMatchObject({ kind: 'view', count: 1234, filtered: true });
    await marks.mark('reviewed', '');
    expect(api.mark).toHaveBeenCalledWith([], req.filter, 'reviewed', '');
    expect(texts()).toEqual([['success', 'Marked 1,200 events reviewed (34 already were) · Ctrl+Z undoes it']]);
  });

  it('keeps the dialog open with the error when Go refuses the mark', async () => {
    vi.mocked(api.mark).mockRejectedValue(
      new ApiError(app.ErrorCode.InvalidInput, 'bad tag: "Finding"; did you mean finding?'),
    );
    marks.openForEvent('evt_1', '');
    await expect(marks.mark('Finding', '')).rejects.toThrow('did you mean finding');
    expect(dialogs.mark).toBe(true);
    expect(marks.busy).toBe(false);
  });

  it('will not open for an empty view', () => {
    query.result = queryResult({ total: 0 });
    marks.openForView();
    expect(dialogs.mark).toBe(false);
  });

  it('unmarks a tag of one event; a failure goes to the banner', async () => {
    vi.mocked(api.unmark).mockResolvedValue(result({ unmark: true, events: 1, added: 0, removed: 1 }));
    await marks.unmark('evt_1', 'finding');
    expect(api.unmark).toHaveBeenCalledWith(['evt_1'], api.noFilter, 'finding');
    expect(texts()).toEqual([['success', 'Unmarked 1 event finding · Ctrl+Z undoes it']]);
    vi.mocked(api.unmark).mockRejectedValue(new ApiError(app.ErrorCode.Internal, 'marks: disk full'));
    await marks.unmark('evt_1', 'finding');
    expect(errors.current?.message).toBe('marks: disk full');
  });

  it('undoes the newest mark and says what it undid; with none left, says so quietly', async () => {
    vi.mocked(api.undoMark).mockResolvedValueOnce(result({ undo: true, added: 0, removed: 3, undoable: 0 }));
    await marks.undo();
    expect(texts()).toEqual([['success', 'Undid: marked 3 events finding']]);
    expect(query.rerun).toHaveBeenCalledTimes(1);
    vi.mocked(api.undoMark).mockRejectedValueOnce(
      new ApiError(app.ErrorCode.InvalidInput, 'nothing to undo: no mark made in this window is left to take back'),
    );
    await marks.undo();
    expect(texts().at(-1)).toEqual(['neutral', 'nothing to undo: no mark made in this window is left to take back']);
    expect(errors.current).toBeNull();
  });
});
