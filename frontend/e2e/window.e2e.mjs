// The window's table tools in Debian's Chromium, served by the dev-tagged
// binary on a fresh data dir with a 20,000-event demo (see .ci/e2e.sh): a
// row selected by keyboard opens its details and Esc closes them; a user
// chosen by type-ahead narrows the count; the 7-day preset shows a chip; a
// drag on the timeline narrows the range; the dark theme applies.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { artifacts, openApp, pageHelpers } from './browser.mjs';

let browser;
let page;
const { grid, matching, until, wholeDemo } = pageHelpers(() => page);
let pageErrors = [];
let everything = 0;

before(async () => {
  ({ browser, page, pageErrors } = await openApp());
});

after(async () => {
  await browser?.close();
});

test('the demo is in and the table shows it', async () => {
  const m = await wholeDemo();
  everything = m.total;
  await page.locator('[role=grid] [role=row][aria-rowindex="2"]:not([aria-busy])').waitFor();
});

test('the keyboard selects a row, Enter opens its details, Esc closes them', async () => {
  await grid().focus();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  const selected = page.locator('[role=row][aria-selected=true]');
  assert.equal(await selected.getAttribute('aria-rowindex'), '4');
  const user = (await selected.locator('[role=gridcell]').nth(1).innerText()).trim();
  await page.keyboard.press('Enter');
  const panel = page.getByRole('complementary', { name: 'Event details' });
  await panel.getByText('Event ID').waitFor();
  await panel.getByText(user, { exact: true }).first().waitFor();
  const details = panel.locator('pre');
  if ((await details.count()) > 0) {
    const text = await details.innerText();
    assert.doesNotThrow(() => JSON.parse(text), 'the details are JSON');
    assert.match(text, /\n {2}"/, 'pretty-printed');
  }
  await page.screenshot({ path: `${artifacts}/details.png` });
  await page.keyboard.press('Escape');
  await until('the panel closed', async () => (await panel.count()) === 0);
  assert.equal(await selected.getAttribute('aria-rowindex'), '4', 'the selection stays');
});

test('a user chosen by type-ahead narrows the count, and the 7-day preset shows a chip', async () => {
  const input = page.getByRole('combobox', { name: 'User' });
  await input.fill('a');
  const option = page.getByRole('listbox', { name: 'User values' }).getByRole('option').first();
  await option.waitFor();
  const chosen = await option.locator('.v').innerText();
  await option.dispatchEvent('pointerdown');
  await page.getByRole('button', { name: `Remove filter User: ${chosen}` }).waitFor();
  const narrowed = await until('a narrower count', async () => {
    const v = await matching();
    return v && v.total < everything && v.total > 0 ? v.total : null;
  });
  const users = await page.locator('[role=row][aria-rowindex] [role=gridcell]:nth-child(2)').allInnerTexts();
  for (const u of users.filter((x) => x.trim() !== '')) assert.equal(u.trim(), chosen);

  await page.getByRole('combobox', { name: 'Time range' }).selectOption('7d');
  await page.getByRole('button', { name: 'Remove filter Time: last 7 days' }).waitFor();
  await until('the week counted', async () => {
    const v = await matching();
    return v && v.total <= narrowed ? v : null;
  });
  await page.screenshot({ path: `${artifacts}/filters.png` });
  await page.getByRole('button', { name: 'Clear all' }).click();
  await until('the whole demo again', async () => (await matching())?.total === everything);
});

test('dragging across the timeline narrows the time range', async () => {
  const svg = page.getByRole('img', { name: /Timeline/ });
  await svg.waitFor();
  const box = await svg.boundingBox();
  const y = box.y + box.height / 2;
  await page.mouse.move(box.x + box.width * 0.55, y);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.75, y, { steps: 5 });
  await page.mouse.up();
  await page.screenshot({ path: `${artifacts}/timeline.png` });
  await page.getByRole('button', { name: /Remove filter Time: \d{4}-\d\d-\d\d \d\d:\d\d – / }).waitFor();
  await until('a narrower count', async () => {
    const v = await matching();
    return v && v.total < everything ? v : null;
  });
});

test('the dark theme applies from Settings', async () => {
  await page.getByRole('button', { name: 'Settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await dialog.getByLabel('Theme').selectOption('dark');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await until('data-theme dark', async () => (await page.locator('html').getAttribute('data-theme')) === 'dark');
  await until('the dialog closed', async () => (await dialog.isVisible()) === false);
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  assert.equal(bg, 'rgb(28, 30, 34)');
  await page.screenshot({ path: `${artifacts}/dark.png` });
});

test('no unexpected page errors', () => {
  assert.deepEqual(pageErrors, []);
});
