// Marks in the window: the Tags column and the Tag filter, the details
// panel's marks with ×, Mark current view… in the Views menu, and Ctrl+Z.
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import App from './App.svelte';
import * as api from './lib/api';
import { filter } from './lib/state/filter.svelte';
import {
  acme,
  cacheStatus,
  dataRows,
  emptyStatus,
  fakeCache,
  grid,
  listen,
  noTags,
  notifications,
  queryResult,
  renderTable,
  row,
  rowsFor,
} from './test-fixtures';
import { resetStores, tableHeight600 } from './test-app';

vi.mock('./lib/api', async (importOriginal) => {
  const { fakeAppApi } = await import('./test-api');
  return fakeAppApi(await importOriginal<typeof import('./lib/api')>(), {
    calls: ['event', 'locate', 'mark', 'unmark', 'undoMark', 'checkTag'],
  });
});

const { app, ApiError } = api;
const total = 5000;
const used: api.TagCount[] = [{ ...noTags[0], n: 3 }, noTags[1], noTags[2], { tag: 'Q4 sample', n: 1, builtin: false }];

tableHeight600();

let marksChanged: (c: api.MarksChange) => void = () => {};

beforeEach(() => {
  fakeCache({
    status: { ...emptyStatus, profile: acme, events: total },
    query: (req, id) => queryResult({ id, total: req.filter.tags?.length ? 3 : total, events: total }),
  });
  // The first rows are marked finding, the second Q4 sample too.
  vi.mocked(api.rows).mockImplementation(async (id, offset, limit) => {
    const r = rowsFor(id, offset, limit);
    if (offset === 0) {
      r.rows[0] = row(id, 0, { tags: ['finding'] });
      r.rows[1] = row(id, 1, { tags: ['finding', 'Q4 sample'] });
    }
    return r;
  });
  vi.mocked(api.tags).mockResolvedValue(used);
  vi.mocked(api.event)
    .mockReset()
    .mockImplementation(async (qid, i) => ({
      ...row(qid, i, { tags: ['finding'] }),
      details: '',
      marks: [{ tag: 'finding', note: 'MFA off for an owner', by: 'alice', at: '2026-11-26T10:00:00Z' }],
    }));
  vi.mocked(api.locate).mockReset().mockResolvedValue(0);
  for (const fn of [api.mark, api.unmark, api.undoMark]) vi.mocked(fn).mockReset();
  marksChanged = listen(api.onMarksChanged);
  resetStores();
  filter.zone = 'UTC';
});

const lastFilter = () => vi.mocked(api.query).mock.calls.at(-1)?.[0].filter;
const headers = () =>
  within(grid())
    .getAllByRole('columnheader')
    .map((h) => h.getAttribute('aria-label'));

describe('marks in the table and the filter bar', () => {
  it('shows a Tags column of badges once the profile has marks; a badge filters by its tag', async () => {
    await renderTable(App);
    await waitFor(() => expect(headers()).toContain('Tags'));
    expect(headers().slice(6, 8)).toEqual(['Status', 'Tags']);
    // Tags sorts nothing: its header is no button.
    expect(within(grid()).queryByRole('button', { name: 'Sort by Tags' })).toBeNull();
    const cells = () => within(dataRows()[1]).getAllByRole('gridcell')[7];
    await waitFor(() => expect(cells()).toHaveTextContent('findingQ4 sample'));
    await fireEvent.click(within(cells()).getByText('Q4 sample'));
    await waitFor(() => expect(lastFilter()?.tags).toEqual(['Q4 sample']));
    expect(screen.getByRole('button', { name: 'Remove filter Tag: Q4 sample' })).toBeInTheDocument();
  });

  it('hides the column and disables the Tag select while no event is marked', async () => {
    vi.mocked(api.tags).mockResolvedValue(noTags);
    await renderTable(App);
    await waitFor(() => expect(api.tags).toHaveBeenCalled());
    expect(headers()).not.toContain('Tags');
    expect(screen.getByRole('combobox', { name: 'Tag' })).toBeDisabled();
    // A mark made in the window brings them.
    marksChanged({ profile: acme.name, tags: used });
    await waitFor(() => expect(headers()).toContain('Tags'));
    expect(screen.getByRole('combobox', { name: 'Tag' })).toBeEnabled();
  });

  it('the Tag select lists the tags in use with counts, sends the one chosen, and its chip removes it', async () => {
    await renderTable(App);
    const select = screen.getByRole('combobox', { name: 'Tag' });
    await waitFor(() =>
      expect(
        within(select)
          .getAllByRole('option')
          .map((o) => o.textContent),
      ).toEqual(['All tags', 'finding (3)', 'Q4 sample (1)']),
    );
    await fireEvent.change(select, { target: { value: 'finding' } });
    await waitFor(() => expect(lastFilter()?.tags).toEqual(['finding']));
    await screen.findByText('3 matching of 5,000 events');
    await fireEvent.click(screen.getByRole('button', { name: 'Remove filter Tag: finding' }));
    await waitFor(() => expect(lastFilter()?.tags).toEqual([]));
    await waitFor(() => expect(within(cacheStatus()).queryByText('3 matching of 5,000 events')).toBeNull());
  });

  it('re-reads the view in place after marks:changed', async () => {
    await renderTable(App);
    const before = vi.mocked(api.query).mock.calls.length;
    marksChanged({ profile: acme.name, tags: used });
    await waitFor(() => expect(vi.mocked(api.query).mock.calls.length).toBe(before + 1));
  });
});

describe('marking', () => {
  it('the details panel lists the marks with their notes; × takes a tag off', async () => {
    vi.mocked(api.unmark).mockResolvedValue({
      tag: 'finding',
      unmark: true,
      undo: false,
      events: 1,
      added: 0,
      changed: 0,
      removed: 1,
      undoable: 1,
      tags: noTags,
    });
    await renderTable(App);
    await fireEvent.dblClick(within(dataRows()[0]).getAllByRole('gridcell')[0]);
    const panel = await screen.findByRole('complementary', { name: 'Event details' });
    const list = await within(panel).findByRole('region', { name: 'Marks' });
    expect(list).toHaveTextContent('finding');
    expect(list).toHaveTextContent('alice · 2026-11-26 10:00');
    expect(list).toHaveTextContent('MFA off for an owner');
    await fireEvent.click(within(list).getByRole('button', { name: 'Remove tag finding' }));
    await waitFor(() => expect(api.unmark).toHaveBeenCalledWith(['1-0'], api.noFilter, 'finding'));
    await within(notifications()).findByText('Unmarked 1 event finding · Ctrl+Z undoes it');
    // Mark… opens the dialog for this event.
    await fireEvent.click(within(panel).getByRole('button', { name: 'Mark…' }));
    expect(await screen.findByRole('dialog', { name: 'Mark the event' })).toBeInTheDocument();
  });

  it('Mark current view… in the Views menu opens the dialog for the whole view', async () => {
    await renderTable(App);
    await fireEvent.click(within(screen.getByRole('toolbar')).getByRole('button', { name: /^Views/ }));
    await fireEvent.click(await screen.findByRole('menuitem', { name: 'Mark current view…' }));
    const dialog = await screen.findByRole('dialog', { name: 'Mark the events shown' });
    expect(within(dialog).getByText('Marks all 5,000 events.')).toBeInTheDocument();
  });

  it('Ctrl+Z undoes the last mark and says what it undid, but not while typing in the search', async () => {
    vi.mocked(api.undoMark).mockResolvedValue({
      tag: 'finding',
      unmark: false,
      undo: true,
      events: 3,
      added: 0,
      changed: 0,
      removed: 3,
      undoable: 0,
      tags: noTags,
    });
    await renderTable(App);
    const search = screen.getByRole('textbox', { name: 'Search' });
    await fireEvent.keyDown(search, { key: 'z', ctrlKey: true });
    expect(api.undoMark).not.toHaveBeenCalled();
    grid().focus();
    await fireEvent.keyDown(grid(), { key: 'z', ctrlKey: true });
    await within(notifications()).findByText('Undid: marked 3 events finding');
    expect(api.undoMark).toHaveBeenCalledTimes(1);
    vi.mocked(api.undoMark).mockRejectedValue(
      new ApiError(app.ErrorCode.InvalidInput, 'nothing to undo: no mark made in this window is left to take back'),
    );
    await fireEvent.keyDown(grid(), { key: 'z', ctrlKey: true });
    await within(notifications()).findByText(/^Nothing to undo/);
  });
});
