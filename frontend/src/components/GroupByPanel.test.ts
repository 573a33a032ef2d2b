import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import App from '../App.svelte';
import * as api from '../lib/api';
import { filter } from '../lib/state/filter.svelte';
import { groupBy } from '../lib/state/groupby.svelte';
import { query } from '../lib/state/query.svelte';
import { session } from '../lib/state/status.svelte';
import { resetStores, tableHeight600 } from '../test-app';
import { acme, emptyStatus, fakeCache, queryResult, renderTable } from '../test-fixtures';
import GroupByPanel from './GroupByPanel.svelte';

vi.mock('../lib/api', async (importOriginal) => {
  const { fakeAppApi } = await import('../test-api');
  return fakeAppApi(await importOriginal<typeof import('../lib/api')>(), { calls: ['summarize'] });
});

const { audit, app, ApiError, GroupField } = api;

const key = (value: string, label = value || '(empty)', from = '', to = ''): api.GroupKey => ({
  value,
  label,
  from,
  to,
});

/** summary is a SummaryResult as Go sends it: the groups given, the total their sum and rest. */
function summary(
  queryId: number,
  by: api.GroupField[],
  groups: [api.GroupKey[], number][],
  rest = 0,
  restGroups = 0,
): api.SummaryResult {
  const total = groups.reduce((n, [, c]) => n + c, rest);
  return {
    queryId,
    by,
    total,
    groups: groups.map(([keys, count]) => ({ keys, count })),
    rest,
    restGroups,
    timeZone: 'Asia/Tokyo',
    elapsedMs: 1.5,
  };
}

const byUser = (id: number) =>
  summary(
    id,
    [GroupField.User],
    [
      [[key('alice@acme.example')], 12_345],
      [[key('bob@acme.example')], 4_000],
      [[key('')], 655],
    ],
    3_000,
    3,
  );

const scopes: api.ScopeCategories[] = [
  { scope: audit.Scope.Organization, categories: ['Member', 'Policy'] },
  { scope: audit.Scope.Workspace, categories: ['GPU Quota', 'Member'] },
  { scope: audit.Scope.Service, categories: ['AI Notebook'] },
];

const panel = () => screen.getByRole('complementary', { name: 'Group by' });
const bodyRows = () => within(panel()).getAllByRole('row').slice(1, -1); // less the header and the total
const cells = (row: HTMLElement) =>
  within(row)
    .getAllByRole('cell')
    .map((c) => c.textContent?.trim());

beforeEach(() => {
  resetStores();
  vi.mocked(api.summarize)
    .mockReset()
    .mockImplementation(async (id, by) => (by.length === 1 && by[0] === 'user' ? byUser(id) : summary(id, by, [])));
  query.result = queryResult({ id: 7, total: 20_000, events: 20_000 });
  session.scopes = scopes;
});

async function shown(): Promise<HTMLElement> {
  groupBy.open = true;
  render(GroupByPanel);
  const table = await within(panel()).findByRole('table');
  return table;
}

describe('GroupByPanel', () => {
  it('counts the view by user, top 10: values, counts, shares, bars, the rest and the total', async () => {
    const table = await shown();
    expect(api.summarize).toHaveBeenCalledWith(7, ['user'], 10);
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((h) => h.textContent?.trim()),
    ).toEqual(['User', 'Count', 'Share']);
    const rows = bodyRows();
    expect(rows.map(cells)).toEqual([
      ['alice@acme.example', '12,345', '61.7%'],
      ['bob@acme.example', '4,000', '20.0%'],
      ['(empty)', '655', '3.3%'],
      ['(3 other groups)', '3,000', '15.0%'],
    ]);
    // The counts are right-aligned; each row has a bar, the largest full.
    expect(within(rows[0]).getAllByRole('cell')[1]).toHaveClass('num');
    const bars = rows.map((r) => (r.querySelector('.bar span') as HTMLElement).style.width);
    expect(bars[0]).toBe('100%');
    expect(parseFloat(bars[1])).toBeCloseTo((100 * 4000) / 12345, 3);
    expect(cells(within(table).getAllByRole('row').at(-1)!)).toEqual(['20,000', '100%']);
    expect(within(panel()).getByText(/6 groups\./)).toBeInTheDocument();
    // The first field's select has the keyboard.
    expect(within(panel()).getByRole('combobox', { name: 'Group by field' })).toHaveFocus();
  });

  it('groups by two fields and the Top N chosen, and again when the view changes', async () => {
    await shown();
    const [first, second, top] = within(panel()).getAllByRole('combobox');
    // The second field offers every field but the first.
    expect(within(second).queryByRole('option', { name: 'then User' })).toBeNull();
    await fireEvent.change(second, { target: { value: 'status' } });
    await waitFor(() => expect(api.summarize).toHaveBeenLastCalledWith(7, ['user', 'status'], 10));
    await fireEvent.change(top, { target: { value: '0' } });
    await waitFor(() => expect(api.summarize).toHaveBeenLastCalledWith(7, ['user', 'status'], 0));
    // The first field made the second: the second goes.
    await fireEvent.change(first, { target: { value: 'status' } });
    await waitFor(() => expect(api.summarize).toHaveBeenLastCalledWith(7, ['status'], 0));
    expect(groupBy.second).toBe('');

    query.result = queryResult({ id: 8, total: 5 });
    await waitFor(() => expect(api.summarize).toHaveBeenLastCalledWith(8, ['status'], 0));
  });

  it('names a time field with the zone; an empty group is no filter', async () => {
    vi.mocked(api.summarize).mockResolvedValue(
      summary(
        7,
        [GroupField.Day, GroupField.Workspace],
        [[[key('2026-11-02', '2026-11-02', '2026-11-01T15:00:00Z', '2026-11-02T15:00:00Z'), key('', '(none)')], 9]],
      ),
    );
    const table = await shown();
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((h) => h.textContent?.trim()),
    ).toEqual(['Day (Asia/Tokyo)', 'Workspace', 'Count', 'Share']);
    const none = within(bodyRows()[0]).getByText('(none)');
    expect(none).toHaveAttribute('title', 'No filter selects (none)');
    await fireEvent.click(none);
    // A click on a value no filter selects filters by nothing.
    expect(filter.active).toBe(false);
    await fireEvent.click(within(bodyRows()[0]).getByText('2026-11-02'));
    expect([filter.from, filter.to]).toEqual(['2026-11-01T15:00:00Z', '2026-11-02T15:00:00Z']);
    expect(filter.workspace).toBe('');
  });

  it('a click on a value filters the table by it; on the count, by the whole group', async () => {
    vi.mocked(api.summarize).mockResolvedValue(
      summary(
        7,
        [GroupField.User, GroupField.Status],
        [
          [[key('alice@acme.example'), key('FAILED')], 30],
          [[key('bob@acme.example'), key('SUCCESS')], 20],
        ],
      ),
    );
    await shown();
    filter.users = ['alice@acme.example', 'bob@acme.example'];
    const [alice, bob] = bodyRows();
    await fireEvent.click(within(alice).getByText('alice@acme.example'));
    // The group is within the filter: the user becomes the only one.
    expect(filter.users).toEqual(['alice@acme.example']);
    expect(filter.status).toBe('');
    await fireEvent.click(within(bob).getByText('SUCCESS'));
    expect(filter.status).toBe('SUCCESS');
    expect(filter.users).toEqual(['alice@acme.example']);
    await fireEvent.click(within(bob).getByText('20'));
    expect(filter.users).toEqual(['bob@acme.example']);
    expect(filter.chips.map((c) => c.label)).toEqual(['Status: SUCCESS', 'User: bob@acme.example']);
  });

  it('the rows take the keyboard: arrows move, Enter filters by the row, Esc closes', async () => {
    await shown();
    const rows = bodyRows();
    expect(rows[0]).toHaveAttribute('tabindex', '0');
    expect(rows[1]).toHaveAttribute('tabindex', '-1');
    rows[0].focus();
    await fireEvent.keyDown(rows[0], { key: 'ArrowDown' });
    await waitFor(() => expect(rows[1]).toHaveFocus());
    expect(rows[1]).toHaveAttribute('tabindex', '0');
    await fireEvent.keyDown(rows[1], { key: 'Enter' });
    expect(filter.users).toEqual(['bob@acme.example']);
    // The rest line is not a group: the keyboard stops at the last group.
    await fireEvent.keyDown(rows[1], { key: 'End' });
    await waitFor(() => expect(rows[2]).toHaveFocus());
    await fireEvent.keyDown(rows[2], { key: 'Enter' });
    expect(filter.users).toEqual(['bob@acme.example']); // (empty) is no filter
    await fireEvent.keyDown(rows[2], { key: 'Escape' });
    expect(groupBy.open).toBe(false);
  });

  it('a category takes its scope when one scope holds it, and stands alone when several do', async () => {
    vi.mocked(api.summarize).mockResolvedValue(
      summary(
        7,
        [GroupField.Category],
        [
          [[key('Member')], 5],
          [[key('AI Notebook')], 4],
        ],
      ),
    );
    await shown();
    await fireEvent.click(within(bodyRows()[0]).getByText('Member'));
    expect([filter.scope, filter.category]).toEqual(['', 'Member']);
    filter.clear();
    await fireEvent.click(within(bodyRows()[1]).getByText('AI Notebook'));
    expect([filter.scope, filter.category]).toEqual(['Service', 'AI Notebook']);
  });

  it('a scope and a category grouped together set both; a workspace filters by its ID', async () => {
    vi.mocked(api.summarize).mockResolvedValue(
      summary(7, [GroupField.Category, GroupField.Scope], [[[key('Member'), key('Workspace')], 5]]),
    );
    await shown();
    await fireEvent.keyDown(bodyRows()[0], { key: 'Enter' });
    expect([filter.scope, filter.category]).toEqual(['Workspace', 'Member']);

    vi.mocked(api.summarize).mockResolvedValue(
      summary(7, [GroupField.Workspace], [[[key('ws-9', 'Research (ws-9)')], 3]]),
    );
    groupBy.first = GroupField.Workspace;
    await waitFor(() => expect(within(panel()).getByText('Research (ws-9)')).toBeInTheDocument());
    await fireEvent.click(within(panel()).getByText('Research (ws-9)'));
    expect(filter.workspace).toBe('ws-9');
    expect(filter.chips.at(-1)?.label).toBe('Workspace: Research (ws-9)');
    expect(query.viewFilter.workspace).toBe('ws-9');
    filter.remove('workspace');
    expect(filter.workspace).toBe('');
  });

  it('a day, week or month sets the time range to the bucket, within the range already set', async () => {
    const nov = key('2026-11', '2026-11', '2026-10-31T15:00:00Z', '2026-11-30T15:00:00Z');
    vi.mocked(api.summarize).mockResolvedValue(summary(7, [GroupField.Month], [[[nov], 40]]));
    await shown();
    await fireEvent.click(within(bodyRows()[0]).getByText('2026-11'));
    expect([filter.preset, filter.from, filter.to]).toEqual(['custom', nov.from, nov.to]);
    filter.setRange('2026-11-10T00:00:00Z', '');
    await fireEvent.click(within(bodyRows()[0]).getByText('2026-11'));
    expect([filter.from, filter.to]).toEqual(['2026-11-10T00:00:00Z', nov.to]);
  });

  it('pins a group-by, lists it, shows it again and unpins it', async () => {
    await shown();
    const pin = within(panel()).getByRole('button', { name: 'Pin' });
    expect(pin).toHaveAttribute('aria-pressed', 'false');
    await fireEvent.click(pin);
    expect(groupBy.pinned).toEqual([{ by: ['user'], top: 10 }]);
    expect(within(panel()).getByRole('button', { name: 'Pinned' })).toHaveAttribute('aria-pressed', 'true');
    const list = within(panel()).getByRole('list', { name: 'Pinned group-bys' });
    expect(within(list).getByRole('button', { name: 'User, top 10' })).toBeInTheDocument();

    await fireEvent.change(within(panel()).getByRole('combobox', { name: 'Groups shown' }), {
      target: { value: '50' },
    });
    expect(within(panel()).getByRole('button', { name: 'Pin' })).toHaveAttribute('aria-pressed', 'false');
    await fireEvent.click(within(list).getByRole('button', { name: 'User, top 10' }));
    expect(groupBy.top).toBe(10);
    await fireEvent.click(within(list).getByRole('button', { name: 'Unpin User, top 10' }));
    expect(groupBy.pinned).toEqual([]);
    expect(within(panel()).queryByRole('list', { name: 'Pinned group-bys' })).toBeNull();
  });

  it('says why it cannot count; a result Go let go makes the view run again', async () => {
    const rerun = vi.spyOn(query, 'rerun').mockImplementation(() => {});
    vi.mocked(api.summarize).mockRejectedValueOnce(new ApiError(app.ErrorCode.QueryGone, 'gone'));
    groupBy.open = true;
    render(GroupByPanel);
    await waitFor(() => expect(rerun).toHaveBeenCalledTimes(1));
    rerun.mockRestore();

    vi.mocked(api.summarize).mockRejectedValue(new ApiError(app.ErrorCode.Internal, 'the index is damaged'));
    query.result = queryResult({ id: 9, total: 5 });
    expect(await within(panel()).findByRole('alert')).toHaveTextContent('the index is damaged');
  });
});

describe('the Group by button and Ctrl+G', () => {
  tableHeight600();

  beforeEach(() => {
    fakeCache({
      status: { ...emptyStatus, profile: acme, events: 1000 },
      scopes,
      query: (_, id) => queryResult({ id, total: 1000, events: 1000 }),
    });
    resetStores();
  });

  it('open the panel beside the table; a click on a value filters the table and the panel follows', async () => {
    await renderTable(App);
    const button = screen.getByRole('button', { name: 'Group by' });
    expect(button).toHaveAttribute('aria-pressed', 'false');
    await fireEvent.keyDown(window, { key: 'g', ctrlKey: true });
    await within(panel()).findByText('alice@acme.example');
    expect(button).toHaveAttribute('aria-pressed', 'true');
    const id = query.result!.id;
    expect(api.summarize).toHaveBeenLastCalledWith(id, ['user'], 10);

    await fireEvent.click(within(panel()).getByText('alice@acme.example'));
    await waitFor(() =>
      expect(api.query).toHaveBeenLastCalledWith(
        expect.objectContaining({ filter: expect.objectContaining({ users: ['alice@acme.example'] }) }),
      ),
    );
    await waitFor(() => expect(api.summarize).toHaveBeenLastCalledWith(query.result!.id, ['user'], 10));
    expect(query.result!.id).not.toBe(id);

    await fireEvent.click(button);
    expect(screen.queryByRole('complementary', { name: 'Group by' })).toBeNull();
    await fireEvent.click(button);
    expect(panel()).toBeInTheDocument();
    // Esc from anywhere closes it too.
    await fireEvent.keyDown(document.body, { key: 'Escape' });
    expect(screen.queryByRole('complementary', { name: 'Group by' })).toBeNull();
  });
});
