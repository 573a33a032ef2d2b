// The table over the query API in Debian's Chromium, served by the
// dev-tagged binary on a fresh data dir with a 20,000-event demo (see
// .ci/e2e.sh): the demo opens by itself, its rows show newest first, a
// search narrows them, the selects count the facets, a header sorts. The
// count seen for the search goes to $E2E_QUERY_SEEN, for e2e.sh to check
// against `auditdesk query` once the window is closed.
import assert from 'node:assert/strict';
import { appendFileSync, writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { artifacts, openApp, pageHelpers } from './browser.mjs';

const term = process.env.E2E_SEARCH ?? 'voucher';
const targetFile = process.env.E2E_TARGET_SEEN;
const seenFile = process.env.E2E_QUERY_SEEN;
const billing = ['Payment', 'Plan', 'Voucher', 'Wallet'];

let browser;
let page;
const { grid, statusBar, count, matching, until } = pageHelpers(() => page);
let pageErrors = [];
/** The unfiltered count, once the demo is in. */
let everything = 0;

before(async () => {
  ({ browser, page, pageErrors } = await openApp());
});

after(async () => {
  if (page) await page.screenshot({ path: `${artifacts}/query-done.png` });
  await browser?.close();
});

const fold = (s) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
/** Go sorts bytewise; so must the check. */
const bytewise = (a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** shownRows reads the data rows in the DOM, in row order: index, loaded, and each cell's full text. */
function shownRows() {
  return page.evaluate(() =>
    [...document.querySelectorAll('[role=grid] [role=row]')]
      .map((r) => ({
        index: Number(r.getAttribute('aria-rowindex')),
        loaded: r.getAttribute('aria-busy') !== 'true',
        cells: [...r.querySelectorAll('[role=gridcell]')].map((c) => c.getAttribute('title') ?? c.textContent.trim()),
      }))
      .filter((r) => r.index >= 2)
      .sort((a, b) => a.index - b.index),
  );
}

/** firstRows waits until the first n rows are loaded and the check passes on them, and returns them. */
function firstRows(what, n, check = () => true) {
  return until(what, async () => {
    const rows = (await shownRows()).slice(0, n);
    const ok = rows.length > 0 && rows[0].index === 2 && rows.every((r) => r.loaded) && check(rows);
    return ok ? rows : null;
  });
}

const col = { timestamp: 0, user: 1, scope: 2, category: 3, action: 4, target: 5, status: 6, description: 7 };

test('the demo opens by itself and its rows show, newest first', async (t) => {
  // The dev binary's own webview may open the demo before this page loads:
  // wait for the sync to be over whoever ran it, not for this page's notice.
  await statusBar()
    .getByText(/last synced \d{4}-\d\d-\d\d/)
    .waitFor();
  await until('no sync running', async () => (await page.getByRole('progressbar').count()) === 0);
  const cached = count(/([\d,]+) events?\b/.exec(await statusBar().innerText())[1]);
  const m = await until('the query over the whole demo', async () => {
    const v = await matching();
    return v && v.events === cached ? v : null;
  });
  assert.equal(m.total, cached, 'with no filter every cached event matches');
  everything = m.total;
  assert.equal(await grid().getAttribute('aria-rowcount'), String(everything + 1));
  assert.equal(
    await page.getByRole('columnheader', { name: 'Timestamp (UTC)' }).getAttribute('aria-sort'),
    'descending',
  );

  const rows = await firstRows('the first rows', 20);
  const times = rows.map((r) => r.cells[col.timestamp]);
  for (const ts of times) assert.match(ts, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  assert.deepEqual([...times].sort().reverse(), times, 'newest first');
  // The newest row is on the cache's newest day (both in UTC): the range's
  // day, not the last sync's (after midnight they differ).
  const rangeText = await statusBar().getByTitle('Oldest and newest cached event (UTC)').innerText();
  const range = /^(\d{4}-\d\d-\d\d)(?: – (\d{4}-\d\d-\d\d))?$/.exec(rangeText);
  assert.ok(range, `the status bar's range: ${rangeText}`);
  assert.equal(times[0].slice(0, 10), range[2] ?? range[1]);
  for (const r of rows) assert.match(r.cells[col.status], /^(SUCCESS|FAILED)$/);
  assert.ok(await page.locator('[role=gridcell] .badge').first().isVisible(), 'statuses show as badges');

  // Virtual: the DOM holds a window of rows, not 20,000.
  const inDom = (await shownRows()).length;
  assert.ok(inDom > 15 && inDom < 100, `${inDom} rows in the DOM`);
  // The demo's 13 months: the oldest was past the platform's 12 when
  // synced, so the timeline hatches it as not known complete.
  const gaps = page.locator('svg rect.gap');
  assert.equal(await gaps.count(), 1, 'one gap on the timeline');
  const gap = await gaps.first().getAttribute('aria-label');
  assert.match(
    gap,
    /^Events may be missing from 20\d\d-.*: no sync read this period while the platform kept it \(it keeps 12 months\), and none can now$/,
  );
  assert.equal(
    await page.locator('.timeline .gap-key').innerText(),
    'Hatched: not synced, events there may be missing',
    'the hatching explained where it is drawn',
  );
  await page.screenshot({ path: `${artifacts}/query-rows.png` });
  t.diagnostic(`${everything} events; first ${times[0]}; ${inDom} rows in the DOM; gap: ${gap}`);
});

test('scrolling to the end fetches and shows the oldest rows, and back to the top', async () => {
  const [first] = await firstRows('the first row', 1);
  const area = page.locator('.table-area');
  await area.evaluate((el) => el.scrollTo(0, el.scrollHeight));
  const last = await until('the last row', async () => {
    const r = (await shownRows()).at(-1);
    return r && r.index === everything + 1 && r.loaded ? r : null;
  });
  assert.ok(last.cells[col.timestamp] <= first.cells[col.timestamp], 'the last row is the oldest');
  await area.evaluate((el) => el.scrollTo(0, 0));
  await firstRows('the first row again', 1);
});

test('typing a search narrows the count, and the rows have the term', async (t) => {
  await page.getByRole('textbox', { name: 'Search' }).fill(term);
  const m = await until(`fewer than ${everything} matching "${term}"`, async () => {
    const v = await matching();
    return v && v.total < everything ? v : null;
  });
  assert.ok(m.total > 0, `"${term}" matches nothing in the demo`);
  assert.equal(await grid().getAttribute('aria-rowcount'), String(m.total + 1));
  const rows = await firstRows('the searched rows', Math.min(10, m.total));
  for (const r of rows) {
    const text = [col.user, col.scope, col.category, col.action, col.target, col.description].map((c) => r.cells[c]);
    assert.ok(
      text.some((c) => fold(c).includes(term)),
      `row ${r.index} lacks "${term}": ${text.join(' | ')}`,
    );
  }
  // The term is marked in the cells it was found in (the Highlight API: the cells are not changed).
  const marks = await until('the term marked', async () => {
    const got = await page.evaluate(() => {
      const h = CSS.highlights.get('search');
      return h ? [...h].map((r) => r.toString()) : [];
    });
    return got.length > 0 ? got : null;
  });
  for (const m of marks) assert.equal(m.toLowerCase(), term.toLowerCase(), `a mark over "${m}"`);
  await page.screenshot({ path: `${artifacts}/query-search.png` });
  if (seenFile) writeFileSync(seenFile, `${term}\n${m.total}\n`);
  t.diagnostic(`"${term}": ${m.total} of ${everything}`);
});

test('Event ID and Source IP show from the Columns menu; a subnet searches, and a whole event ID finds its event', async (t) => {
  await page.getByRole('textbox', { name: 'Search' }).fill('');
  await until('the whole demo again', async () => (await matching())?.total === everything);
  await page.getByRole('button', { name: /Columns/ }).click();
  const menu = page.getByRole('menu', { name: 'Columns' });
  for (const name of ['Event ID', 'Source IP']) {
    const item = menu.getByRole('menuitemcheckbox', { name });
    assert.equal(await item.getAttribute('aria-checked'), 'false', `${name} is hidden until asked for`);
    await item.click();
  }
  await page.keyboard.press('Escape');
  await until('the two columns shown', async () => (await page.getByRole('columnheader').count()) === 11);
  const [idCol, ipCol] = [9, 10];
  const rows = await firstRows('rows with their IDs and IPs', 30);
  const withIP = rows.find((r) => /^\d+\.\d+\.\d+\.\d+$/.test(r.cells[ipCol]));
  assert.ok(withIP, 'no IPv4 source IP among the first rows');
  const ip = withIP.cells[ipCol];
  const subnet = ip.slice(0, ip.lastIndexOf('.') + 1);
  await page.getByRole('textbox', { name: 'Search' }).fill(subnet);
  const m = await until(`fewer than ${everything} matching "${subnet}"`, async () => {
    const v = await matching();
    return v && v.total < everything ? v : null;
  });
  const found = await firstRows("the subnet's rows", Math.min(10, m.total));
  for (const r of found) {
    assert.ok(
      r.cells.some((c) => c.toLowerCase().includes(subnet)),
      `row ${r.index} lacks "${subnet}": ${r.cells.join(' | ')}`,
    );
  }
  assert.ok(
    found.some((r) => r.cells[ipCol] === ip),
    `${ip} is not among the rows found for ${subnet}`,
  );
  await page.screenshot({ path: `${artifacts}/query-source-ip.png` });
  if (seenFile) appendFileSync(seenFile, `${subnet}\n${m.total}\n`);
  t.diagnostic(`"${subnet}": ${m.total} of ${everything}`);

  const id = withIP.cells[idCol];
  await page.getByRole('textbox', { name: 'Search' }).fill(id);
  await until(`one event for ${id}`, async () => (await matching())?.total === 1);
  const [one] = await firstRows('the event of that ID', 1);
  assert.equal(one.cells[idCol], id);

  await page.getByRole('textbox', { name: 'Search' }).fill('');
  await page.getByRole('button', { name: /Columns/ }).click();
  for (const name of ['Event ID', 'Source IP']) await menu.getByRole('menuitemcheckbox', { name }).click();
  await page.keyboard.press('Escape');
  await until("the console's columns again", async () => (await page.getByRole('columnheader').count()) === 9);
  await until('the whole demo again', async () => (await matching())?.total === everything);
});

test('a click on a target adds a Target chip beside the search, and the rows are that target’s', async (t) => {
  await until('the whole demo again', async () => (await matching())?.total === everything);
  const rows = await firstRows('rows with targets', 40);
  // A plain name, so that the shell's count over query --json can match it as JSON writes it.
  const row = rows.find((r) => /^[A-Za-z0-9._-]{3,}$/.test(r.cells[col.target]));
  assert.ok(row, 'no plain target among the first rows');
  const target = row.cells[col.target];
  await page.locator(`[role=grid] [role=row][aria-rowindex="${row.index}"] [data-filter=target]`).click();
  await page.getByRole('button', { name: `Remove filter Target: ${target}` }).waitFor();
  const m = await until(`fewer than ${everything} for the target ${target}`, async () => {
    const v = await matching();
    return v && v.total < everything ? v : null;
  });
  // The count may show before the table's rows are the new ones: wait for
  // the rows to be the target's (a stale row that stays fails the wait).
  const found = await firstRows('the target’s rows', Math.min(10, m.total), (rs) =>
    rs.every((r) => r.cells[col.target] === target),
  );
  for (const r of found) assert.equal(r.cells[col.target], target, `row ${r.index}`);
  assert.equal(await page.getByRole('textbox', { name: 'Search' }).inputValue(), '', 'the search is left as it was');
  if (targetFile) writeFileSync(targetFile, `${target}\n${m.total}\n`);
  t.diagnostic(`target ${target}: ${m.total} of ${everything}`);
  await page.getByRole('button', { name: `Remove filter Target: ${target}` }).click();
  await until('the whole demo again', async () => (await matching())?.total === everything);
});

test('Category is disabled until a scope is chosen, then lists that scope’s categories with counts', async () => {
  await page.getByRole('textbox', { name: 'Search' }).fill('');
  await until('the whole demo again', async () => (await matching())?.total === everything);
  const scope = page.getByRole('combobox', { name: 'Scope' });
  const category = page.getByRole('combobox', { name: 'Category' });
  assert.equal(await category.isDisabled(), true);
  const scopes = (await scope.locator('option').allInnerTexts()).map((o) => o.trim());
  assert.ok(
    scopes.some((o) => /^Billing \([\d,]+\)$/.test(o)),
    `scope options: ${scopes.join(', ')}`,
  );

  await scope.selectOption('Billing');
  assert.equal(await category.isDisabled(), false);
  const options = await until('counted categories', async () => {
    const texts = (await category.locator('option').allInnerTexts()).map((o) => o.trim()).slice(1);
    return texts.length > 0 && texts.every((o) => /\([\d,]+\)$/.test(o)) ? texts : null;
  });
  const parsed = options.map((o) => /^(.+) \(([\d,]+)\)$/.exec(o));
  for (const [, name] of parsed) assert.ok(billing.includes(name), `${name} is not a Billing category`);
  const billed = await until('the Billing count', async () => {
    const v = await matching();
    return v && v.total < everything ? v.total : null;
  });
  const sum = parsed.reduce((n, [, , k]) => n + count(k), 0);
  assert.equal(sum, billed, 'every Billing event is in one of its categories');

  await page.getByRole('button', { name: /Remove filter Scope: Billing/ }).click();
  assert.equal(await category.isDisabled(), true);
  await until('the whole demo again', async () => (await matching())?.total === everything);
});

test('clicking the User header sorts by user, again the other way', async () => {
  const header = page.getByRole('columnheader', { name: 'User' });
  await header.getByRole('button').click();
  await until('aria-sort ascending', async () => (await header.getAttribute('aria-sort')) === 'ascending');
  const users = (rows) => rows.map((r) => r.cells[col.user]);
  const asc = await firstRows('users A to Z', 30, (rows) =>
    users(rows).every((u, i, us) => i === 0 || bytewise(us[i - 1], u) <= 0),
  );
  assert.equal(await page.getByRole('columnheader', { name: 'Timestamp (UTC)' }).getAttribute('aria-sort'), null);

  await header.getByRole('button').click();
  await until('aria-sort descending', async () => (await header.getAttribute('aria-sort')) === 'descending');
  const desc = await firstRows('users Z to A', 30, (rows) =>
    users(rows).every((u, i, us) => i === 0 || bytewise(us[i - 1], u) >= 0),
  );
  assert.ok(bytewise(users(desc)[0], users(asc)[0]) > 0, 'the two ends differ');
});

test('at 1024x700 the Timestamp column stays in view when the table scrolls right', async () => {
  const before = page.viewportSize();
  await page.setViewportSize({ width: 1024, height: 700 });
  try {
    await page.evaluate(() => (document.querySelector('.table-area').scrollLeft = 10000));
    await until('scrolled right', async () =>
      page.evaluate(() => document.querySelector('.table-area').scrollLeft > 200),
    );
    const area = await page.locator('.table-area').boundingBox();
    const head = await page.getByRole('columnheader', { name: 'Timestamp (UTC)' }).boundingBox();
    const cell = await page.locator('[role=grid] .rows [role=row] [role=gridcell]').first().boundingBox();
    for (const [what, box] of [
      ['header', head],
      ['cell', cell],
    ]) {
      assert.ok(Math.abs(box.x - area.x) < 2, `the Timestamp ${what} at x=${box.x}, the table at ${area.x}`);
    }
    // The status bar's chain head and its Copy stay whole: the text before them gives way.
    const bar = await page.getByRole('status', { name: 'Cache status' }).boundingBox();
    const copy = await page.getByRole('button', { name: 'Copy chain head' }).boundingBox();
    const chain = await page.locator('.statusbar .chain').boundingBox();
    const right = await page.locator('.statusbar .right').boundingBox();
    assert.ok(
      copy && copy.x + copy.width <= right.x,
      `Copy ends at ${copy?.x + copy?.width}, the figures start at ${right.x}`,
    );
    assert.ok(chain.x >= bar.x, 'the chain is in the bar');
    const cut = await page.evaluate(() => {
      const c = document.querySelector('.statusbar .chain');
      return c.scrollWidth > c.clientWidth + 1;
    });
    assert.ok(!cut, 'the chain group is not cut');
    await page.screenshot({ path: `${artifacts}/scrolled-right.png` });
  } finally {
    await page.evaluate(() => (document.querySelector('.table-area').scrollLeft = 0));
    await page.setViewportSize(before);
  }
});

test('no unexpected page errors', () => {
  assert.deepEqual(pageErrors, []);
});
