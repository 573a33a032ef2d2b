// Marks and the report in Debian's Chromium, served by the dev-tagged
// binary on a fresh 20,000-event demo with AUDITDESK_SAVE_AS answering the
// save dialog (see .ci/e2e.sh): three events marked finding, each with a
// note, from the details panel; Mark current view… (the Views menu) asks
// again past 1,000 events;
// the Tag filter shows exactly the three, with the Tags column and the
// chip; Ctrl+Z undoes the last mark; a group-by pinned; Report… writes the
// workbook of the view with its manifest, which e2e.sh then checks with
// `auditdesk verify-export`. Screenshots marks-dialog.png, marks-details.png,
// marks-filtered.png and marks-report.png are kept.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { after, before, test } from 'node:test';
import { artifacts, openApp, pageHelpers } from './browser.mjs';

const reportFile = process.env.E2E_REPORT_FILE;

let browser;
let page;
const { grid, matching, until, wholeDemo } = pageHelpers(() => page);
let pageErrors = [];
let everything = 0;
/** The events marked, by their IDs, in order. */
const marked = [];

before(async () => {
  assert.ok(reportFile, 'E2E_REPORT_FILE is not set: run this through .ci/e2e.sh');
  ({ browser, page, pageErrors } = await openApp());
});

after(async () => {
  await browser?.close();
});

const notices = () => page.getByRole('status', { name: 'Notifications' });
const details = () => page.getByRole('complementary', { name: 'Event details' });
const dataRow = (i) => grid().locator(`[role=row][aria-rowindex="${i + 2}"]:not([aria-busy])`);
const headers = () =>
  grid()
    .getByRole('columnheader')
    .evaluateAll((hs) => hs.map((h) => h.getAttribute('aria-label')));

/** eventID reads the Event ID the details panel shows. */
async function eventID() {
  const dd = details()
    .locator('dt', { hasText: /^Event ID$/ })
    .locator('xpath=following-sibling::dd[1]');
  return until('the event ID', async () => {
    const t = (await dd.locator('.value').innerText()).trim();
    return t.startsWith('evt_') ? t : null;
  });
}

test('the demo is in; no event is marked, so no Tags column and the Tag filter is off', async () => {
  everything = (await wholeDemo()).total;
  await dataRow(0).waitFor();
  assert.ok(!(await headers()).includes('Tags'));
  assert.equal(await page.getByRole('combobox', { name: 'Tag' }).isDisabled(), true);
});

test('three events marked finding, each with a note, from the details panel', async () => {
  for (let i = 0; i < 3; i++) {
    await dataRow(i).locator('[role=gridcell]').first().dblclick();
    await details().waitFor();
    const id = await until(`row ${i}'s details`, async () => {
      const shown = await eventID();
      return marked.includes(shown) ? null : shown;
    });
    await details().getByRole('button', { name: 'Mark…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Mark the event' });
    await dialog.waitFor();
    assert.ok(await dialog.getByText(id).isVisible(), 'the dialog names the event');
    await dialog.getByRole('combobox', { name: 'Tag' }).selectOption('finding');
    await dialog.getByRole('textbox', { name: /Note/ }).fill(`MFA off for an owner (${i + 1} of 3)`);
    if (i === 0) await page.screenshot({ path: `${artifacts}/marks-dialog.png` });
    await dialog.getByRole('button', { name: 'Mark', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    await notices().getByText('Marked 1 event finding · Ctrl+Z undoes it').first().waitFor();
    const region = details().getByRole('region', { name: 'Marks' });
    await region.getByText(`MFA off for an owner (${i + 1} of 3)`).waitFor();
    assert.ok(await region.getByRole('button', { name: 'Remove tag finding' }).isVisible());
    if (i === 2) await page.screenshot({ path: `${artifacts}/marks-details.png` });
    marked.push(id);
  }
  assert.equal(new Set(marked).size, 3);
  // The table's rows carry their tags: the Tags column shows once there are marks.
  await until('the Tags column', async () => (await headers()).includes('Tags'));
  for (let i = 0; i < 3; i++) await dataRow(i).locator('.cell.tags', { hasText: 'finding' }).waitFor();
});

test('Mark current view… on the whole demo asks again past 1,000 events; Back and Cancel mark nothing', async () => {
  await page.keyboard.press('Escape'); // the details
  await details().waitFor({ state: 'detached' });
  await page.getByRole('toolbar').getByRole('button', { name: 'Views' }).click();
  await page.getByRole('menuitem', { name: 'Mark current view…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Mark the events shown' });
  await dialog.getByText(`Marks all ${everything.toLocaleString('en-US')} events.`).waitFor();
  await dialog.getByRole('combobox', { name: 'Tag' }).selectOption('reviewed');
  await dialog.getByRole('button', { name: 'Mark…' }).click();
  const n = everything.toLocaleString('en-US');
  await dialog.getByRole('alertdialog', { name: `Mark ${n} events?` }).waitFor();
  assert.ok(await dialog.getByRole('button', { name: `Mark ${n} events` }).isVisible());
  await dialog.getByRole('button', { name: 'Back' }).click();
  await dialog.getByRole('combobox', { name: 'Tag' }).waitFor();
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'hidden' });
  const tag = page.getByRole('combobox', { name: 'Tag' });
  assert.deepEqual(await tag.locator('option').allInnerTexts(), ['All tags', 'finding (3)']);
});

test('the Tag filter shows exactly the three marked, with the Tags column and the chip', async () => {
  await page.getByRole('combobox', { name: 'Tag' }).selectOption('finding');
  await page.getByRole('button', { name: 'Remove filter Tag: finding' }).waitFor();
  await until('the 3 marked events', async () => (await matching())?.total === 3);
  const ids = await until('their rows', async () => {
    const rows = grid().locator('[role=row][aria-rowindex]:not([aria-busy])');
    if ((await rows.count()) !== 4) return null; // the header and three
    const tags = await grid().locator('.cell.tags').allInnerTexts();
    return tags.length === 3 && tags.every((t) => t.trim() === 'finding') ? tags : null;
  });
  assert.equal(ids.length, 3);
  const tagsHeader = await grid().getByRole('columnheader', { name: 'Tags' }).boundingBox();
  assert.ok(tagsHeader && tagsHeader.x + tagsHeader.width <= 1280, 'the Tags column is in view');
  await page.screenshot({ path: `${artifacts}/marks-filtered.png` });
});

test('Ctrl+Z undoes the last mark: two are left', async () => {
  await grid().focus();
  await page.keyboard.press('Control+z');
  await notices().getByText('Undid: marked 1 event finding').waitFor();
  await until('2 marked events', async () => (await matching())?.total === 2);
  await until('2 rows', async () => (await grid().locator('.cell.tags').count()) === 2);
  const tag = page.getByRole('combobox', { name: 'Tag' });
  await until('the count in the Tag filter', async () =>
    (await tag.locator('option').allInnerTexts()).includes('finding (2)'),
  );
  // The undone event is the last marked: it is gone from the view.
  await dataRow(0).locator('[role=gridcell]').first().dblclick();
  const first = await eventID();
  await dataRow(1).locator('[role=gridcell]').first().click();
  const second = await until('the second', async () => {
    const id = await eventID();
    return id !== first ? id : null;
  });
  assert.deepEqual([first, second].sort(), marked.slice(0, 2).sort());
  await page.keyboard.press('Escape');
});

test('a group-by pinned; Report… writes the view with its sheet, and its manifest', async () => {
  await page.getByRole('button', { name: 'Group by' }).click();
  const panel = page.getByRole('complementary', { name: 'Group by' });
  await panel.waitFor();
  await panel.getByRole('combobox', { name: 'Then by field' }).selectOption('status');
  await panel.getByRole('button', { name: 'Pin' }).click();
  await panel.getByRole('list', { name: 'Pinned group-bys' }).getByText('User × Status, top 10').waitFor();
  await page.getByRole('toolbar').getByRole('button', { name: 'Export' }).click();
  const dialog = page.getByRole('dialog', { name: 'Export the current view' });
  await dialog.getByRole('radio', { name: 'Report (XLSX)' }).check();
  await dialog.getByText('Group-by sheets: User × Status, top 10').waitFor();
  await dialog.getByRole('button', { name: 'Write report…' }).click();
  await notices()
    .getByText(`Wrote a report of 2 events and 2 findings to ${basename(reportFile)}`)
    .waitFor();
  assert.ok(existsSync(reportFile), 'the report is written');
  const manifest = JSON.parse(readFileSync(`${reportFile}.manifest.json`, 'utf8'));
  assert.equal(manifest.rows, 2);
  assert.equal(manifest.report.findings, 2);
  assert.ok(
    manifest.report.sheets.some((s) => s.startsWith('By user × status')),
    `sheets ${manifest.report.sheets}`,
  );
  await page.screenshot({ path: `${artifacts}/marks-report.png` });
});

test('no unexpected page errors', () => {
  assert.deepEqual(pageErrors, []);
});
