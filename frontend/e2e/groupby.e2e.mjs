// The group-by panel in Debian's Chromium, served by the dev-tagged binary
// on a fresh data dir with a 20,000-event demo (see .ci/e2e.sh): the
// toolbar's Group by opens it beside the table; grouped by user then
// status, every group, the groups' counts sum to the table's; a click on a
// user narrows the table to that user's groups' sum, Enter on a row to the
// group's count exactly; Esc closes it. Screenshots at 1280x800 and
// 1024x700 (alone, and with the details panel open too) are kept; E2E_GROUPBY_SEEN
// gets the group checked (user, status, count) for the command line to
// count again.
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { artifacts, openApp, pageHelpers } from './browser.mjs';

let browser;
let page;
const { grid, count, matching, until, wholeDemo } = pageHelpers(() => page);
let pageErrors = [];
let everything = 0;
/** Every group by user then status, as the panel listed them. */
let allGroups = [];

before(async () => {
  ({ browser, page, pageErrors } = await openApp());
});

after(async () => {
  await browser?.close();
});

const panel = () => page.getByRole('complementary', { name: 'Group by' });
const groupRows = () => panel().locator('tbody tr.group');

/** groups reads the panel's groups: their values and counts, once it shows the answer to what is asked. */
async function groups(columns) {
  return until('the panel counted', async () => {
    const wrap = panel().locator('.table-wrap');
    if ((await wrap.count()) === 0 || (await wrap.getAttribute('aria-busy')) === 'true') return null;
    const heads = await panel().locator('thead th').allInnerTexts();
    if (heads.length !== columns + 2) return null;
    return (await groupRows().evaluateAll((rows) => rows.map((r) => [...r.cells].map((c) => c.innerText.trim())))).map(
      (cells) => ({ keys: cells.slice(0, columns), count: Number(cells[columns].replaceAll(',', '')) }),
    );
  });
}

test('the demo is in and the table shows it', async () => {
  everything = (await wholeDemo()).total;
  await page.locator('[role=grid] [role=row][aria-rowindex="2"]:not([aria-busy])').waitFor();
});

test('Group by opens the panel; by user then status, all the groups sum to the table', async () => {
  await page.getByRole('button', { name: 'Group by' }).click();
  await panel().waitFor();
  await panel().getByRole('combobox', { name: 'Then by field' }).selectOption('status');
  await panel().getByRole('combobox', { name: 'Groups shown' }).selectOption({ label: 'All groups' });
  const all = await groups(2);
  assert.ok(all.length > 1, `${all.length} groups`);
  assert.deepEqual(await panel().locator('thead th').allInnerTexts(), ['User', 'Status', 'Count', 'Share']);
  const sum = all.reduce((n, g) => n + g.count, 0);
  assert.equal(sum, everything, 'the groups sum to the table');
  const total = await panel().locator('tfoot td').first().innerText();
  assert.equal(count(total), everything);
  for (let i = 1; i < all.length; i++) assert.ok(all[i].count <= all[i - 1].count, 'largest first');
  allGroups = all;
  await panel().getByRole('combobox', { name: 'Groups shown' }).selectOption({ label: 'Top 10' });
  await until('the top 10', async () => (await groupRows().count()) === Math.min(10, all.length));
  await page.screenshot({ path: `${artifacts}/groupby-panel.png` });
});

test('a click on a user narrows the table to its groups; Enter on a row to the group', async () => {
  const all = allGroups;
  const [user, status] = all[0].keys;
  const userSum = all.filter((g) => g.keys[0] === user).reduce((n, g) => n + g.count, 0);
  await groupRows().first().locator('td').first().click();
  await page.getByRole('button', { name: `Remove filter User: ${user}` }).waitFor();
  await until(`the table at ${user}'s ${userSum} events`, async () => (await matching())?.total === userSum);
  const mine = await until('the panel at the user', async () => {
    const g = await groups(2);
    return g.every((x) => x.keys[0] === user) ? g : null;
  });
  const group = mine.find((g) => g.keys[1] === status);
  assert.ok(group, `the group ${user}, ${status} is still there`);
  const row = groupRows().nth(mine.indexOf(group));
  await row.focus();
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: `Remove filter Status: ${status}` }).waitFor();
  const seen = await until(`the table at the group's ${group.count}`, async () => {
    const v = await matching();
    return v?.total === group.count ? v.total : null;
  });
  assert.equal(seen, group.count, "the table counts the group's events");
  // Every row the table shows is of the group.
  const cells = await grid()
    .locator('[role=row][aria-rowindex]:not([aria-busy])')
    .evaluateAll((rows) =>
      rows.slice(1).map((r) => [...r.querySelectorAll('[role=gridcell]')].map((c) => c.textContent.trim())),
    );
  for (const c of cells) {
    assert.equal(c[1], user);
    assert.equal(c[6], status);
  }
  if (process.env.E2E_GROUPBY_SEEN) await writeFile(process.env.E2E_GROUPBY_SEEN, `${user}\n${status}\n${seen}\n`);
  await page.screenshot({ path: `${artifacts}/groupby-filtered.png` });
});

test('at 1024x700, with the details panel too, the table keeps its place; Esc closes the panel', async () => {
  await page.getByRole('button', { name: 'Clear all' }).click();
  await until('the whole demo again', async () => (await matching())?.total === everything);
  await page.setViewportSize({ width: 1024, height: 700 });
  await groups(2);
  const alone = await page.locator('.table-area').boundingBox();
  assert.ok(alone.width >= 600, `beside the panel alone the table is ${alone.width} px wide`);
  await page.screenshot({ path: `${artifacts}/groupby-panel-1024.png` });
  await grid().focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  const details = page.getByRole('complementary', { name: 'Event details' });
  await details.getByText('Event ID').waitFor();
  await groups(2);
  const g = await page.locator('.table-area').boundingBox();
  const p = await panel().boundingBox();
  const d = await details.boundingBox();
  assert.ok(g.width >= 200, `the table is ${g.width} px wide`);
  assert.ok(g.x + g.width <= p.x + 1 && p.x + p.width <= d.x + 1, 'table, group by, details, left to right');
  assert.ok(d.x + d.width <= 1024 + 1, 'nothing past the window');
  await page.screenshot({ path: `${artifacts}/groupby-details-1024.png` });
  // Esc closes the details first (App's order), then the panel; in the panel, Esc closes it.
  await page.keyboard.press('Escape');
  await until('the details closed', async () => (await details.count()) === 0);
  await panel().getByRole('combobox', { name: 'Group by field' }).focus();
  await page.keyboard.press('Escape');
  await until('the panel closed', async () => (await panel().count()) === 0);
  await page.keyboard.press('Control+g');
  await panel().waitFor();
  assert.deepEqual(pageErrors, []);
});
