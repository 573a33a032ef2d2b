// The window's table tools: the selection and details panel, the User and
// Action type-ahead, the time range, the timeline and the settings.
import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import App from './App.svelte';
import * as api from './lib/api';
import { filter } from './lib/state/filter.svelte';
import { selection } from './lib/state/selection.svelte';
import {
  acme,
  dataRows,
  emptyStatus,
  fakeCache,
  filterText,
  grid,
  listen,
  queryResult,
  renderTable,
  row,
} from './test-fixtures';
import { resetStores, tableHeight600 } from './test-app';

vi.mock('./lib/api', async (importOriginal) => {
  const { fakeAppApi } = await import('./test-api');
  return fakeAppApi(await importOriginal<typeof import('./lib/api')>(), {
    calls: ['event', 'locate', 'values', 'preferences', 'setPreferences'],
  });
});

const total = 5000;
const histogram: api.Bucket[] = [0, 1, 2, 3].map((d) => ({
  start: `2026-03-0${d + 1}T00:00:00Z`,
  end: `2026-03-0${d + 2}T00:00:00Z`,
  count: (d + 1) * 100,
}));

tableHeight600();

let indexUpdated: (u: api.IndexUpdate) => void = () => {};

beforeEach(() => {
  fakeCache({
    status: { ...emptyStatus, profile: acme, events: total },
    query: (_, id) => queryResult({ id, total, events: total, histogram }),
  });
  vi.mocked(api.event)
    .mockReset()
    .mockImplementation(async (qid, i) => ({
      ...row(qid, i),
      source_ip: '203.0.113.7',
      details: '{\n  "gpu": 2\n}',
      marks: [],
    }));
  vi.mocked(api.locate).mockReset().mockResolvedValue(-1);
  vi.mocked(api.values).mockReset().mockResolvedValue([]);
  vi.mocked(api.preferences).mockReset().mockResolvedValue(api.defaultPreferences);
  vi.mocked(api.setPreferences)
    .mockReset()
    .mockImplementation(async (p) => p);
  indexUpdated = listen(api.onIndexUpdated);
  resetStores();
  filter.zone = 'UTC';
});

const lastFilter = () => vi.mocked(api.query).mock.calls.at(-1)?.[0].filter;

describe('selection and details', () => {
  it('moves with the keyboard, opens the details with Enter and closes them with Esc', async () => {
    await renderTable(App);
    grid().focus();
    await fireEvent.keyDown(grid(), { key: 'ArrowDown' });
    expect(dataRows()[0]).toHaveAttribute('aria-selected', 'true');
    await fireEvent.keyDown(grid(), { key: 'ArrowDown' });
    expect(dataRows()[0]).toHaveAttribute('aria-selected', 'false');
    expect(dataRows()[1]).toHaveAttribute('aria-selected', 'true');
    await fireEvent.keyDown(grid(), { key: 'Enter' });
    const panel = await screen.findByRole('complementary', { name: 'Event details' });
    expect(api.event).toHaveBeenCalledWith(1, 1);
    await within(panel).findByText('203.0.113.7');
    expect(within(panel).getByText('user1@acme.example')).toBeInTheDocument();
    expect(within(panel).getByLabelText('Details JSON')).toHaveTextContent('"gpu": 2');
    expect(within(panel).getByRole('button', { name: 'Copy details JSON' })).toBeInTheDocument();
    expect(within(panel).getByRole('button', { name: 'Copy Event ID' })).toBeInTheDocument();

    // The panel follows the selection.
    await fireEvent.keyDown(grid(), { key: 'ArrowDown' });
    await waitFor(() => expect(api.event).toHaveBeenLastCalledWith(1, 2));

    await fireEvent.keyDown(window, { key: 'Escape' });
    expect(screen.queryByRole('complementary', { name: 'Event details' })).toBeNull();
    expect(dataRows()[2]).toHaveAttribute('aria-selected', 'true');
  });

  it('End selects the last row and scrolls it into view; Home goes back', async () => {
    await renderTable(App);
    grid().focus();
    await fireEvent.keyDown(grid(), { key: 'End' });
    expect(selection.index).toBe(total - 1);
    const area = document.querySelector('.table-area') as HTMLElement;
    expect(area.scrollTop).toBeGreaterThan(0);
    await fireEvent.keyDown(grid(), { key: 'Home' });
    expect(selection.index).toBe(0);
    expect(area.scrollTop).toBe(0);
  });

  it('keeps the selected event selected at its new row after a sync re-runs the query', async () => {
    await renderTable(App);
    await fireEvent.click(within(dataRows()[5]).getAllByRole('gridcell')[0]);
    expect(selection.id).toBe('1-5');
    vi.mocked(api.locate).mockResolvedValue(7);
    indexUpdated({ profile: acme.name, events: total, added: 3 });
    await waitFor(() => expect(api.locate).toHaveBeenCalledWith(2, '1-5'));
    await waitFor(() => expect(dataRows()[7]).toHaveAttribute('aria-selected', 'true'));
    expect(dataRows()[5]).toHaveAttribute('aria-selected', 'false');
  });

  it('drops the selection when the new result does not hold the event', async () => {
    await renderTable(App);
    await fireEvent.click(within(dataRows()[2]).getAllByRole('gridcell')[0]);
    indexUpdated({ profile: acme.name, events: total, added: 1 });
    await waitFor(() => expect(api.locate).toHaveBeenCalled());
    await waitFor(() => expect(selection.index).toBeNull());
  });
});

describe('filters', () => {
  it('type-ahead adds a user as a chip and sends it', async () => {
    vi.mocked(api.values).mockResolvedValue([{ value: 'alice@acme.example', n: 1234 }]);
    await renderTable(App);
    // Counted in the view: the filters on show go with the question.
    await fireEvent.change(screen.getByRole('combobox', { name: 'Status' }), { target: { value: 'FAILED' } });
    const input = screen.getByRole('combobox', { name: 'User' });
    await fireEvent.input(input, { target: { value: 'ali' } });
    const option = await screen.findByRole('option', { name: /alice@acme\.example/ });
    expect(api.values).toHaveBeenLastCalledWith(filterText({ status: 'FAILED', timeZone: 'UTC' }), 'user', 'ali', 50);
    expect(option).toHaveTextContent('1,234');
    await fireEvent.pointerDown(option);
    expect(screen.getByRole('button', { name: 'Remove filter User: alice@acme.example' })).toBeInTheDocument();
    await waitFor(() => expect(lastFilter()?.users).toEqual(['alice@acme.example']));
    await fireEvent.click(screen.getByRole('button', { name: 'Remove filter User: alice@acme.example' }));
    await waitFor(() => expect(lastFilter()?.users).toEqual([]));
  });

  it('Enter in the Action field takes the first suggestion', async () => {
    vi.mocked(api.values).mockResolvedValue([{ value: 'Stop Notebook', n: 3 }]);
    await renderTable(App);
    const input = screen.getByRole('combobox', { name: 'Action' });
    await fireEvent.input(input, { target: { value: 'stop' } });
    await screen.findByRole('option', { name: /Stop Notebook/ });
    await fireEvent.keyDown(input, { key: 'Enter' });
    await waitFor(() => expect(lastFilter()?.actions).toEqual(['Stop Notebook']));
  });

  it('a click on a cell value filters by it', async () => {
    await renderTable(App);
    filter.search = 'notebook';
    const cells = within(dataRows()[3]).getAllByRole('gridcell');
    await fireEvent.click(cells[1].querySelector('[data-filter]')!);
    await fireEvent.click(cells[5].querySelector('[data-filter]')!);
    expect(filter.users).toEqual(['user3@acme.example']);
    // A target is a filter of its own, beside the search, which stays.
    expect(filter.targets).toEqual(['notebook-3']);
    expect(filter.search).toBe('notebook');
    expect(screen.getByRole('button', { name: 'Remove filter Target: notebook-3' })).toBeInTheDocument();
    await waitFor(() => expect(lastFilter()?.targets).toEqual(['notebook-3']));
    // Elsewhere in a cell, a click selects the row and filters by nothing.
    await fireEvent.click(cells[0]);
    expect(filter.users).toEqual(['user3@acme.example']);
  });

  it('the 7-day preset sends from and shows a chip; the custom inputs appear for a custom range', async () => {
    await renderTable(App);
    await fireEvent.change(screen.getByRole('combobox', { name: 'Time range' }), { target: { value: '7d' } });
    expect(screen.getByRole('button', { name: 'Remove filter Time: last 7 days' })).toBeInTheDocument();
    await waitFor(() => expect(lastFilter()?.from).toMatch(/^\d{4}-\d\d-\d\dT/));
    expect(lastFilter()?.timeZone).toBe('UTC');
    await fireEvent.change(screen.getByRole('combobox', { name: 'Time range' }), { target: { value: 'custom' } });
    // ISO, as every time the window shows: a date alone is its midnight.
    const to = screen.getByLabelText('To');
    await fireEvent.change(to, { target: { value: '2026-03-05' } });
    await waitFor(() => expect(lastFilter()?.to).toBe('2026-03-05T00:00:00.000Z'));
    expect(to).toHaveValue('2026-03-05 00:00');
    const from = screen.getByLabelText('From');
    await fireEvent.change(from, { target: { value: '2026-03-01 09:30' } });
    await waitFor(() => expect(lastFilter()?.from).toBe('2026-03-01T09:30:00.000Z'));
    // Not a time: said at the input, nothing sent.
    const sent = lastFilter();
    await fireEvent.change(from, { target: { value: '03/01/2026' } });
    expect(from).toHaveAttribute('aria-invalid', 'true');
    expect(from).toHaveAttribute('title', expect.stringMatching(/YYYY-MM-DD/));
    expect(lastFilter()).toEqual(sent);
  });

  it("the timeline's hover ends when a dropdown or another window takes the pointer", async () => {
    await renderTable(App);
    const svg = screen.getByRole('img', { name: /Timeline/ });
    svg.getBoundingClientRect = () => ({ left: 0, width: 400, top: 0, height: 40 }) as DOMRect;
    const legend = () => document.querySelector('.timeline .legend')?.textContent ?? '';
    for (const leave of [
      // A select opened over it: the focus goes there, and no pointerleave comes.
      () => fireEvent.focusIn(screen.getByRole('combobox', { name: 'Time range' })),
      () => fireEvent.blur(window),
      () => fireEvent.pointerDown(document.body),
    ]) {
      await fireEvent.pointerMove(svg, { clientX: 110 });
      expect(legend()).toMatch(/: [\d,]+ events$/);
      expect(svg.querySelectorAll('rect.bar.hover')).toHaveLength(1);
      await leave();
      expect(legend()).toContain('Drag to narrow the time range');
      expect(svg.querySelectorAll('rect.bar.hover')).toHaveLength(0);
    }
  });

  it('dragging across the timeline narrows the time range to the bars covered', async () => {
    await renderTable(App);
    const svg = screen.getByRole('img', { name: /Timeline/ });
    expect(svg.querySelectorAll('rect.bar')).toHaveLength(4);
    expect(svg.querySelector('title')).toHaveTextContent('2026-03-01 00:00 – 2026-03-02 00:00: 100 events');
    svg.getBoundingClientRect = () => ({ left: 0, width: 400, top: 0, height: 40 }) as DOMRect;
    await fireEvent.pointerDown(svg, { clientX: 110, button: 0 });
    await fireEvent.pointerMove(svg, { clientX: 310 });
    await fireEvent.pointerUp(svg, { clientX: 310 });
    expect([filter.from, filter.to]).toEqual(['2026-03-02T00:00:00Z', '2026-03-05T00:00:00Z']);
    expect(
      screen.getByRole('button', { name: /Remove filter Time: 2026-03-02 00:00 – 2026-03-05 00:00/ }),
    ).toBeInTheDocument();
    await waitFor(() => expect(lastFilter()?.to).toBe('2026-03-05T00:00:00Z'));
  });
});

describe('settings', () => {
  it('loads at start and saves zone, theme and density, which the window then uses', async () => {
    vi.mocked(api.preferences).mockResolvedValue({ ...api.defaultPreferences, theme: api.app.Theme.Light });
    const cached = await vi.mocked(api.status)();
    vi.mocked(api.status).mockResolvedValue({
      ...cached,
      oldest: '2026-11-30T20:00:00Z',
      newest: '2026-12-01T16:00:00Z',
    });
    await renderTable(App);
    const range = () => document.querySelector('.statusbar .range');
    await waitFor(() => expect(range()).toHaveTextContent('2026-11-30 – 2026-12-01'));
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe('light'));
    await fireEvent.click(screen.getByRole('button', { name: 'Settings' }));
    const dialog = await screen.findByRole('dialog', { name: 'Settings' });
    await fireEvent.input(within(dialog).getByLabelText('Time zone'), { target: { value: 'Asia/Tokyo' } });
    await fireEvent.change(within(dialog).getByLabelText('Theme'), { target: { value: 'dark' } });
    await fireEvent.change(within(dialog).getByLabelText('Density'), { target: { value: 'compact' } });
    const restore = within(dialog).getByLabelText('Open on the filters, sort and view shown last');
    expect(restore).toBeChecked();
    await fireEvent.click(restore);
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() =>
      expect(api.setPreferences).toHaveBeenCalledWith({
        timeZone: 'Asia/Tokyo',
        theme: 'dark',
        density: 'compact',
        columns: [],
        restoreLast: false,
      }),
    );
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe('dark'));
    expect((document.querySelector('.table-area') as HTMLElement).style.getPropertyValue('--row-h')).toBe('22px');
    await waitFor(() => expect(lastFilter()?.timeZone).toBe('Asia/Tokyo'));
    // The zone is said where times are shown: the Timestamp header, the status bar's range.
    expect(screen.getByRole('columnheader', { name: 'Timestamp (Asia/Tokyo)' })).toBeInTheDocument();
    expect(range()).toHaveTextContent('2026-12-01 – 2026-12-02');
    expect(range()).toHaveAttribute('title', 'Oldest and newest cached event (Asia/Tokyo)');
  });

  it('asks before Esc or Cancel drops changes made, and leaves at once when there are none', async () => {
    await renderTable(App);
    await fireEvent.click(screen.getByRole('button', { name: 'Settings' }));
    let dialog = await screen.findByRole('dialog', { name: 'Settings' });
    // Nothing changed: Esc leaves.
    await fireEvent.keyDown(dialog, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Settings' })).toBeNull());

    await fireEvent.click(screen.getByRole('button', { name: 'Settings' }));
    dialog = await screen.findByRole('dialog', { name: 'Settings' });
    await fireEvent.change(within(dialog).getByLabelText('Theme'), { target: { value: 'dark' } });
    await fireEvent.keyDown(dialog, { key: 'Escape' });
    const ask = within(dialog).getByRole('alertdialog', { name: 'Discard changes?' });
    expect(ask).toHaveTextContent('Discard the changes?');
    // Esc again, or Keep editing: back to the fields, the change kept.
    await fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(within(dialog).queryByRole('alertdialog')).toBeNull();
    expect(within(dialog).getByLabelText('Theme')).toHaveValue('dark');
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Keep editing' }));
    expect(screen.getByRole('dialog', { name: 'Settings' })).toBeInTheDocument();
    // Discard: gone, nothing saved.
    await fireEvent.keyDown(dialog, { key: 'Escape' });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Discard' }));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Settings' })).toBeNull());
    expect(api.setPreferences).not.toHaveBeenCalled();
  });

  it('says what is wrong with a zone, and saves nothing', async () => {
    await renderTable(App);
    await fireEvent.click(screen.getByRole('button', { name: 'Settings' }));
    const dialog = await screen.findByRole('dialog', { name: 'Settings' });
    await fireEvent.input(within(dialog).getByLabelText('Time zone'), { target: { value: 'Mars/Olympus' } });
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(within(dialog).getByRole('alert')).toHaveTextContent('"Mars/Olympus" is not a time zone');
    expect(api.setPreferences).not.toHaveBeenCalled();
  });
});
