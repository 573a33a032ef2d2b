// Export and the activity log in Debian's Chromium, served by the
// dev-tagged binary on a fresh 20,000-event demo with AUDITDESK_SAVE_AS
// answering the save dialog (see .ci/e2e.sh): filter to FAILED, export the
// view as CSV from the dialog, see the done notice, find the export in
// Activity. The count and hash the window showed go to $E2E_EXPORT_SEEN,
// for e2e.sh to check against the file, its manifest and `auditdesk query`.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { after, before, test } from 'node:test';
import { artifacts, openApp, pageHelpers } from './browser.mjs';

const saveAs = process.env.E2E_EXPORT_FILE;
const seenFile = process.env.E2E_EXPORT_SEEN;

let browser;
let page;
const { matching, until, wholeDemo } = pageHelpers(() => page);
let pageErrors = [];
/** The FAILED count the status bar showed, and the hash the notice gave. */
let failed = 0;
let hash = '';

before(async () => {
  assert.ok(saveAs, 'E2E_EXPORT_FILE is not set: run this through .ci/e2e.sh');
  ({ browser, page, pageErrors } = await openApp());
});

after(async () => {
  await browser?.close();
});

const notices = () => page.getByRole('status', { name: 'Notifications' });
const fmt = (n) => n.toLocaleString('en-US');

test('the demo is in and FAILED narrows the view', async (t) => {
  // The dev binary's own webview may open the demo before this page loads.
  const all = await wholeDemo();
  await page.getByRole('combobox', { name: 'Status' }).selectOption('FAILED');
  const m = await until('the FAILED count', async () => {
    const v = await matching();
    return v && v.total < all.total ? v : null;
  });
  assert.ok(m.total > 0, 'the demo has no FAILED events');
  failed = m.total;
  t.diagnostic(`${failed} FAILED of ${all.total}`);
});

test('Activity lists no exports before the first', async () => {
  await page.getByRole('toolbar').getByRole('button', { name: /owner/i }).click();
  await page.getByRole('menuitem', { name: 'Activity…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Activity' });
  await dialog.getByRole('heading', { name: 'No exports yet' }).waitFor();
  await page.screenshot({ path: `${artifacts}/activity-empty.png` });
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
});

test('the export dialog says what it will write; CSV shows its options', async () => {
  await page.getByRole('toolbar').getByRole('button', { name: 'Export' }).click();
  const dialog = page.getByRole('dialog', { name: 'Export the current view' });
  await dialog.waitFor();
  const xlsx = dialog.getByRole('radio', { name: 'Excel (XLSX)' });
  assert.equal(await xlsx.isChecked(), true, 'XLSX is the default');
  assert.equal(await xlsx.evaluate((el) => el === document.activeElement), true, 'focus starts at the chosen format');
  const summary = `${fmt(failed)} events matching the current filters, sorted by Timestamp ↓, times in UTC`;
  await dialog.getByText(summary).waitFor();

  await dialog.getByRole('radio', { name: 'CSV' }).check();
  const neutralise = dialog.getByRole('checkbox', { name: /Neutralise cells that could run as formulas/ });
  const bom = dialog.getByRole('checkbox', { name: /Add a byte order mark/ });
  assert.equal(await neutralise.isChecked(), true);
  assert.equal(await bom.isChecked(), false);
  await page.screenshot({ path: `${artifacts}/export-dialog.png` });
});

test('Enter exports to the chosen file and the notice says so, with its SHA-256', async (t) => {
  // Focus is on the CSV radio: Enter there must export too, not only the button.
  await page.keyboard.press('Enter');
  const text = `Exported ${fmt(failed)} rows to ${basename(saveAs)}`;
  const notice = notices().locator('.notice', { hasText: text });
  await notice.waitFor();
  assert.equal(await page.getByRole('dialog').count(), 0, 'the dialog closed');
  assert.equal(await page.getByRole('alert').count(), 0, 'no error');
  hash = await notice.locator('code').getAttribute('title');
  assert.match(hash, /^[0-9a-f]{64}$/);
  assert.equal(await notice.locator('code').innerText(), `${hash.slice(0, 12)}…`);
  assert.ok(await notice.getByRole('button', { name: 'Show in folder' }).isVisible());
  assert.ok(await notice.getByRole('button', { name: 'Copy SHA-256' }).isVisible());
  await page.screenshot({ path: `${artifacts}/export-done.png` });
  if (seenFile) writeFileSync(seenFile, `${failed}\n${hash}\n`);
  t.diagnostic(`${text}, sha256 ${hash}`);
});

test('a notice floats over the timeline: the table does not move when it goes', async () => {
  const notice = notices().locator('.notice').first();
  await notice.waitFor();
  const before = await page.getByRole('grid').boundingBox();
  await notice.getByRole('button', { name: 'Dismiss notice' }).click();
  await notice.waitFor({ state: 'detached' });
  const after = await page.getByRole('grid').boundingBox();
  assert.equal(after.y, before.y, `the table moved from y=${before.y} to y=${after.y}`);
});

test('Activity, from the profile menu, lists the export', async () => {
  await page.getByRole('toolbar').getByRole('button', { name: /owner/i }).click();
  await page.getByRole('menuitem', { name: 'Activity…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Activity' });
  const row = dialog.getByRole('row').filter({ hasText: basename(saveAs) });
  await row.waitFor();
  const cells = (await row.getByRole('cell').allInnerTexts()).map((c) => c.replace(/\s+/g, ' ').trim());
  assert.match(cells[0], /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/, 'a local time');
  assert.match(cells[1], / as /, 'the computer user as the platform user');
  assert.deepEqual(cells.slice(2, 7), [basename(saveAs), 'CSV', fmt(failed), 'status=FAILED', 'Timestamp ↓']);
  assert.equal(await row.locator('code').getAttribute('title'), hash, 'the same SHA-256 as the notice');
  assert.equal(await row.getByRole('cell').nth(2).getAttribute('title'), saveAs, 'the whole path on hover');
  await page.screenshot({ path: `${artifacts}/activity.png` });
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'hidden' });
});

test('no unexpected page errors', () => {
  assert.deepEqual(pageErrors, []);
});
