import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../lib/api';
import { dialogs } from '../lib/state/dialogs.svelte';
import { filter } from '../lib/state/filter.svelte';
import { marks } from '../lib/state/marks.svelte';
import { notices } from '../lib/state/notices.svelte';
import { query } from '../lib/state/query.svelte';
import { filterText, noTags, queryResult } from '../test-fixtures';
import MarkDialog from './MarkDialog.svelte';

vi.mock('../lib/api', async (importOriginal) => {
  const { fakeApi } = await import('../test-api');
  return fakeApi(await importOriginal<typeof import('../lib/api')>(), { calls: ['mark', 'checkTag'] });
});

const { app, ApiError } = api;

const done = (over: Partial<api.MarkResult> = {}): api.MarkResult => ({
  tag: 'finding',
  unmark: false,
  undo: false,
  events: 1,
  added: 1,
  changed: 0,
  removed: 0,
  undoable: 1,
  tags: noTags,
  ...over,
});

beforeEach(() => {
  vi.mocked(api.mark).mockReset().mockResolvedValue(done());
  vi.mocked(api.checkTag)
    .mockReset()
    .mockImplementation(async (t) => t.trim());
  dialogs.close();
  filter.clear();
  notices.clear();
  marks.list = [...noTags, { tag: 'Q4 sample', n: 2, builtin: false }];
  marks.target = null;
  marks.busy = false;
  query.result = null;
  query.answered = null;
});

/** opened renders the dialog for one event, or for a view of count events. */
function opened(count = 0): HTMLElement {
  if (count === 0) marks.openForEvent('evt_01K9', '(Stop Notebook by alice)');
  else {
    query.result = queryResult({ total: count, events: 20000 });
    filter.status = api.audit.Status.FAILED;
    query.answered = { filter: filterText({ status: 'FAILED' }), sort: api.audit.SortField.Timestamp, desc: true };
    marks.openForView();
  }
  render(MarkDialog);
  return screen.getByRole('dialog');
}

describe('MarkDialog', () => {
  it('offers the builtin tags, the own ones in use with counts, and a new one; marks with the note', async () => {
    const dialog = opened();
    expect(within(dialog).getByRole('heading', { name: 'Mark the event' })).toBeInTheDocument();
    expect(within(dialog).getByText('evt_01K9')).toBeInTheDocument();
    const select = within(dialog).getByRole('combobox', { name: 'Tag' });
    expect(select).toHaveFocus();
    expect(
      within(select)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['finding', 'follow-up', 'reviewed', 'Q4 sample (2)', 'New tag…']);
    await fireEvent.change(select, { target: { value: 'follow-up' } });
    await fireEvent.input(within(dialog).getByRole('textbox', { name: /Note/ }), {
      target: { value: 'ask the owner' },
    });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Mark' }));
    await waitFor(() =>
      expect(api.mark).toHaveBeenCalledWith(['evt_01K9'], api.noFilter, 'follow-up', 'ask the owner'),
    );
    expect(dialogs.mark).toBe(false);
    expect(api.checkTag).not.toHaveBeenCalled();
  });

  it("checks a new tag's name with Go first, and says what is wrong with it", async () => {
    vi.mocked(api.checkTag).mockRejectedValueOnce(
      new ApiError(app.ErrorCode.InvalidInput, 'bad tag: "Finding"; did you mean finding?'),
    );
    const dialog = opened();
    await fireEvent.change(within(dialog).getByRole('combobox', { name: 'Tag' }), { target: { value: '\u0000new' } });
    const name = within(dialog).getByRole('textbox', { name: 'New tag' });
    await fireEvent.input(name, { target: { value: 'Finding' } });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Mark' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('did you mean finding?');
    expect(api.mark).not.toHaveBeenCalled();
    await fireEvent.input(name, { target: { value: ' Q4 sample ' } });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Mark' }));
    await waitFor(() => expect(api.mark).toHaveBeenCalledWith(['evt_01K9'], api.noFilter, 'Q4 sample', ''));
  });

  it('asks again past 1,000 events, saying how many; Back returns to the form', async () => {
    vi.mocked(api.mark).mockResolvedValue(done({ events: 12345, added: 12345 }));
    const dialog = opened(12345);
    expect(within(dialog).getByRole('heading', { name: 'Mark the events shown' })).toBeInTheDocument();
    expect(within(dialog).getByText('Marks 12,345 events matching the current filters.')).toBeInTheDocument();
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Mark…' }));
    const question = await within(dialog).findByRole('alertdialog', { name: 'Mark 12,345 events?' });
    expect(question).toHaveTextContent('Mark 12,345 events finding?');
    expect(api.mark).not.toHaveBeenCalled();
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Back' }));
    expect(within(dialog).getByRole('combobox', { name: 'Tag' })).toBeInTheDocument();
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Mark…' }));
    const yes = await within(dialog).findByRole('button', { name: 'Mark 12,345 events' });
    await waitFor(() => expect(yes).toHaveFocus());
    await fireEvent.click(yes);
    await waitFor(() => expect(api.mark).toHaveBeenCalledWith([], filterText({ status: 'FAILED' }), 'finding', ''));
    expect(dialogs.mark).toBe(false);
  });

  it('marks 1,000 events without asking', async () => {
    const dialog = opened(1000);
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Mark' }));
    await waitFor(() => expect(api.mark).toHaveBeenCalledTimes(1));
  });

  it("keeps the form open with Go's refusal", async () => {
    vi.mocked(api.mark).mockRejectedValue(
      new ApiError(app.ErrorCode.InvalidInput, 'bad tag: the note is longer than 4096 bytes'),
    );
    const dialog = opened();
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Mark' }));
    expect(await within(dialog).findByRole('alert')).toHaveTextContent('the note is longer than 4096 bytes');
    expect(dialogs.mark).toBe(true);
  });
});
