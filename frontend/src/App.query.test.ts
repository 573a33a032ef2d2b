import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import App from './App.svelte';
import * as api from './lib/api';
import { filter } from './lib/state/filter.svelte';
import { BLOCK_SIZE, MAX_SCROLL_HEIGHT, ROW_HEIGHT, scrollScale } from './lib/grid/viewport';
import { acme, dataRows, emptyStatus, fakeCache, grid, queryResult, renderTable, row, rowsFor } from './test-fixtures';
import { resetStores, tableHeight600 } from './test-app';

vi.mock('./lib/api', async (importOriginal) => {
  const { fakeAppApi } = await import('./test-api');
  return fakeAppApi(await importOriginal<typeof import('./lib/api')>());
});

const { audit } = api;
const million = 1_000_000;

const facets: api.Facets = {
  scopes: [
    { value: 'Service', n: 600_000 },
    { value: 'Workspace', n: 250_000 },
    { value: 'Organization', n: 100_000 },
    { value: 'Billing', n: 50_000 },
  ],
  categories: [
    { value: 'AI Notebook', n: 300_000 },
    { value: 'Wallet', n: 30_000 },
  ],
  statuses: [
    { value: 'SUCCESS', n: 990_000 },
    { value: 'FAILED', n: 10_000 },
  ],
  users: [],
};

tableHeight600();

beforeEach(() => {
  fakeCache({
    status: { ...emptyStatus, profile: acme, events: million },
    scopes: [
      { scope: audit.Scope.Organization, categories: ['Member', 'Policy', 'Workspace'] },
      { scope: audit.Scope.Billing, categories: ['Payment', 'Plan', 'Voucher', 'Wallet'] },
      { scope: audit.Scope.Workspace, categories: ['GPU Quota', 'Member', 'Settings'] },
      { scope: audit.Scope.Service, categories: ['AI Inference', 'AI Notebook', 'GPU Container'] },
    ],
    query: (_, id) => queryResult({ id, total: million, events: million, elapsedMs: 3.21, facets }),
  });
  resetStores();
});

describe('the table', () => {
  it('shows a million rows as only the visible ones, newest first, with ARIA', async () => {
    await renderTable(App);
    expect(grid()).toHaveAttribute('aria-rowcount', String(million + 1));
    const rows = dataRows();
    // 600px: 21 rows of 28px under the header, plus the overscan below.
    expect(rows.length).toBeGreaterThan(20);
    expect(rows.length).toBeLessThan(40);
    expect(rows[0]).toHaveAttribute('aria-rowindex', '2');
    expect(api.rows).toHaveBeenCalledWith(1, 0, 200);
    expect(api.query).toHaveBeenCalledWith(expect.objectContaining({ sort: 'timestamp', desc: true }));

    const first = row(1, 0);
    const cells = within(rows[0]).getAllByRole('gridcell');
    expect(cells.map((c) => c.textContent?.trim())).toEqual([
      first.timestamp,
      first.user,
      first.scope,
      first.category,
      first.action,
      first.target,
      first.status,
      first.description,
      first.workspace,
    ]);
    // Long values are cut by CSS; the whole value is in the title, set as
    // the pointer comes; a value's title says what a click on it does.
    expect(cells[7]).not.toHaveAttribute('title');
    await fireEvent.pointerOver(cells[7]);
    expect(cells[7]).toHaveAttribute('title', first.description);
    await fireEvent.pointerOver(cells[1].querySelector('[data-filter]')!);
    expect(cells[1].querySelector('[data-filter]')).toHaveAttribute('title', `Filter by User: ${first.user}`);
    expect(within(cells[6]).getByText('SUCCESS')).toHaveClass('badge', 'success');
    expect(within(cells[6]).getByText('SUCCESS')).not.toHaveClass('failed');
    expect(within(within(rows[3]).getAllByRole('gridcell')[6]).getByText('FAILED')).toHaveClass('failed');

    const ts = screen.getByRole('columnheader', { name: 'Timestamp (UTC)' });
    expect(ts).toHaveAttribute('aria-sort', 'descending');
    expect(ts.querySelector('svg.arrow')).not.toBeNull();
    expect(screen.getByRole('columnheader', { name: 'User' })).not.toHaveAttribute('aria-sort');
  });

  /** scrollTo scrolls the million-row table so that row i is at the top. */
  async function scrollTo(i: number): Promise<HTMLElement> {
    // 28,000,000px of rows is above the cap: the area is scaled.
    const body = document.querySelector('.table-area .body') as HTMLElement;
    expect(body.style.height).toBe(`${MAX_SCROLL_HEIGHT}px`);
    const scale = scrollScale(million, ROW_HEIGHT, 600 - ROW_HEIGHT);
    const area = document.querySelector('.table-area') as HTMLElement;
    area.scrollTop = (i * ROW_HEIGHT) / scale.ratio;
    await fireEvent.scroll(area);
    return area;
  }

  it('fetches the rows scrolled to in one call of their size, then the blocks about them', async () => {
    await renderTable(App);
    // Every row seen while scrolling: none may be a placeholder.
    const busy: string[] = [];
    const watch = new MutationObserver(() => {
      for (const r of dataRows()) if (r.hasAttribute('aria-busy')) busy.push(r.getAttribute('aria-rowindex') ?? '');
    });
    watch.observe(document.body, { subtree: true, childList: true, attributes: true });
    vi.mocked(api.rows).mockClear();
    const shownBefore = dataRows();
    await scrollTo(500_100);
    const at = () => dataRows().find((r) => r.getAttribute('aria-rowindex') === '500102');
    await waitFor(() => expect(within(at()!).getAllByRole('gridcell')[1]).toHaveTextContent('user500100@acme.example'));
    watch.disconnect();
    // The rows in view, just those, first; the blocks about them after.
    const calls = vi.mocked(api.rows).mock.calls;
    const [, offset, limit] = calls[0];
    expect(offset).toBeLessThanOrEqual(500_100);
    expect(offset + limit).toBeGreaterThan(500_100);
    expect(limit).toBeLessThan(BLOCK_SIZE);
    await waitFor(() => expect(calls.some(([, o, l]) => o === 500_000 && l === BLOCK_SIZE)).toBe(true));
    // Rows that came at once were never shown as placeholders first.
    expect(busy).toEqual([]);
    // The rows' elements were reused for the rows scrolled to, not made anew.
    const now = new Set(dataRows());
    expect(shownBefore.filter((r) => !now.has(r))).toEqual([]);
  });

  it('shows placeholders for rows scrolled to that are slow to come', async () => {
    await renderTable(App);
    let answer!: () => void;
    vi.mocked(api.rows).mockImplementation(async (qid, offset, limit) => {
      if (offset <= 500_100 && offset + limit > 500_100) await new Promise<void>((r) => (answer = r));
      return rowsFor(qid, offset, limit);
    });
    const area = await scrollTo(500_100);
    const at = () => dataRows().find((r) => r.getAttribute('aria-rowindex') === '500102');
    await waitFor(() => expect(at()).toBeDefined());
    expect(at()).toHaveAttribute('aria-busy', 'true');
    expect(at()?.textContent?.trim()).toBe('');
    answer();
    await waitFor(() => expect(within(at()!).getAllByRole('gridcell')[1]).toHaveTextContent('user500100@acme.example'));
    expect(at()).not.toHaveAttribute('aria-busy');
    // Still only a window of rows in the DOM, placed where the viewport is.
    expect(dataRows().length).toBeLessThan(60);
    const top = parseFloat((document.querySelector('.table-area .rows') as HTMLElement).style.top);
    expect(Math.abs(top - area.scrollTop)).toBeLessThan(20 * ROW_HEIGHT);
  });

  it('sorts by a header: A to Z first, again the other way', async () => {
    await renderTable(App);
    const user = screen.getByRole('columnheader', { name: 'User' });
    await fireEvent.click(within(user).getByRole('button'));
    await waitFor(() =>
      expect(api.query).toHaveBeenLastCalledWith(expect.objectContaining({ sort: 'user', desc: false })),
    );
    expect(user).toHaveAttribute('aria-sort', 'ascending');
    expect(screen.getByRole('columnheader', { name: 'Timestamp (UTC)' })).not.toHaveAttribute('aria-sort');
    await fireEvent.click(within(user).getByRole('button'));
    await waitFor(() =>
      expect(api.query).toHaveBeenLastCalledWith(expect.objectContaining({ sort: 'user', desc: true })),
    );
    expect(user).toHaveAttribute('aria-sort', 'descending');
  });

  it('shows the matching count and the query time in the status bar', async () => {
    await renderTable(App);
    const bar = screen.getByRole('status', { name: 'Cache status' });
    expect(bar).toHaveTextContent('1,000,000 events · last synced never');
    expect(bar).toHaveTextContent('1,000,000 matching of 1,000,000 events · 3.2 ms');
  });

  it('says when nothing matches, and Clear filters shows everything again', async () => {
    await renderTable(App);
    vi.mocked(api.query).mockResolvedValueOnce(queryResult({ id: 50, total: 0, events: million }));
    await fireEvent.input(screen.getByRole('textbox', { name: 'Search' }), { target: { value: 'nobody' } });
    await screen.findByRole('heading', { name: 'No events match these filters' }, { timeout: 2000 });
    expect(grid()).toHaveAttribute('aria-rowcount', '1');
    expect(screen.getByRole('status', { name: 'Cache status' })).toHaveTextContent('0 matching of 1,000,000 events');
    await fireEvent.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(filter.search).toBe('');
    await waitFor(() => expect(grid()).toHaveAttribute('aria-rowcount', String(million + 1)));
  });
});

describe('the search box and an input method', () => {
  it('waits for the composition to end before it searches', async () => {
    await renderTable(App);
    const box = screen.getByRole<HTMLInputElement>('textbox', { name: 'Search' });
    await fireEvent.compositionStart(box);
    await fireEvent.input(box, { target: { value: 'ｇ' } });
    await fireEvent.input(box, { target: { value: 'ｇｐ' } });
    expect(filter.search).toBe('');
    await fireEvent.compositionEnd(box, { target: { value: 'ＧＰＵ' } });
    expect(filter.search).toBe('ＧＰＵ');
    // Typed without an input method, each key searches.
    await fireEvent.input(box, { target: { value: 'ＧＰＵ 1' } });
    expect(filter.search).toBe('ＧＰＵ 1');
  });

  it('never takes the key that confirms or drops a composition for a shortcut', async () => {
    await renderTable(App);
    const box = screen.getByRole<HTMLInputElement>('textbox', { name: 'Search' });
    await fireEvent.input(box, { target: { value: 'gpu' } });
    // Esc while composing drops the composition, not the search.
    await fireEvent.keyDown(box, { key: 'Escape', isComposing: true });
    expect(filter.search).toBe('gpu');
    await fireEvent.keyDown(box, { key: 'Escape', keyCode: 229 });
    expect(filter.search).toBe('gpu');
    await fireEvent.keyDown(box, { key: 'Escape' });
    expect(filter.search).toBe('');
  });
});

describe('the filter bar with facets', () => {
  it('counts scopes and statuses; Category lists the chosen scope’s categories with counts', async () => {
    await renderTable(App);
    const scope = screen.getByRole('combobox', { name: 'Scope' }) as HTMLSelectElement;
    const category = screen.getByRole('combobox', { name: 'Category' }) as HTMLSelectElement;
    const status = screen.getByRole('combobox', { name: 'Status' }) as HTMLSelectElement;
    const texts = (s: HTMLSelectElement) => [...s.options].map((o) => o.text);
    expect(texts(scope)).toEqual([
      'All scopes',
      'Organization (100,000)',
      'Billing (50,000)',
      'Workspace (250,000)',
      'Service (600,000)',
    ]);
    expect(texts(status)).toEqual(['All statuses', 'SUCCESS (990,000)', 'FAILED (10,000)']);
    expect(category).toBeDisabled();

    let answer!: () => void;
    vi.mocked(api.query).mockImplementationOnce(
      (req) =>
        new Promise((r) => {
          expect(req.filter.scope).toBe('Billing');
          answer = () =>
            r(
              queryResult({
                id: 9,
                total: 50_000,
                events: million,
                facets: {
                  ...facets,
                  categories: [
                    { value: 'Wallet', n: 30_000 },
                    { value: 'Payment', n: 20_000 },
                  ],
                },
              }),
            );
        }),
    );
    await fireEvent.change(scope, { target: { value: 'Billing' } });
    expect(category).toBeEnabled();
    // Until Billing's answer comes, its known categories stand in, uncounted.
    expect(texts(category)).toEqual(['All categories', 'Payment', 'Plan', 'Voucher', 'Wallet']);
    answer();
    await waitFor(() => expect(texts(category)).toEqual(['All categories', 'Payment (20,000)', 'Wallet (30,000)']));
    expect(scope.value).toBe('Billing');

    await fireEvent.change(category, { target: { value: 'Wallet' } });
    expect(api.query).toHaveBeenLastCalledWith(
      expect.objectContaining({ filter: expect.objectContaining({ scope: 'Billing', categories: ['Wallet'] }) }),
    );
    await fireEvent.change(scope, { target: { value: '' } });
    expect(category).toBeDisabled();
    expect(filter.category).toBe('');
  });
});
