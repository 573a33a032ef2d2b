// Import in the window, in Debian's Chromium, on the dev-tagged binary with
// no profile (see .ci/e2e.sh): the files are "chosen" through
// AUDITDESK_OPEN_FILES (the native dialog cannot be driven from a browser):
// the console's export as Excel leaves it on a Japanese Windows (Shift_JIS,
// Japanese headers, times re-saved without seconds) and a file with a bad
// row. The preview says how each will be read and shows the Japanese
// intact; Import adds the good one, refuses the bad one whole, and the
// window then shows the case: its rows, no Refresh, "imported files".
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { artifacts, openApp, pageHelpers } from './browser.mjs';

let browser;
let page;
let pageErrors = [];
const { grid, statusBar, matching, until } = pageHelpers(() => page);

before(async () => {
  ({ browser, page, pageErrors } = await openApp());
});

after(async () => {
  await browser?.close();
});

test('files are previewed, imported into a case, and the case is shown', async () => {
  await statusBar()
    .getByText(/0 events/)
    .waitFor();
  await page.locator('button.profile').click();
  await page.getByRole('menuitem', { name: 'Import files…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import files' });
  await dialog.getByRole('button', { name: 'Choose files…' }).click();

  // The preview: how each file is read, and its first rows.
  await dialog.getByText('Read as console-csv, shift_jis, separated by commas').waitFor();
  await dialog.getByText('ノートブックを停止しました').waitFor();
  await dialog.getByText(/3 rows have no seconds/).waitFor();
  await dialog.getByText(/bad\.csv:3: unknown status "DONE"/).waitFor();
  await page.screenshot({ path: `${artifacts}/import-preview-e2e.png` });

  await dialog.getByRole('button', { name: 'Import', exact: true }).click();
  await dialog.getByText(/console-sjis\.csv: 3 new, 0 duplicates, 0 rejected/).waitFor();
  const text = await dialog.innerText();
  assert.match(text, /bad\.csv/);
  assert.match(text, /refused/);
  await dialog.getByRole('button', { name: 'Close' }).click();

  // The case, shown: its three events, newest first.
  await until('the case shown', async () => (await matching())?.total === 3);
  const first = grid().locator('[role=row][aria-rowindex="2"]:not([aria-busy])');
  await first.waitFor();
  assert.match(await first.innerText(), /メンバーを招待しました/);
  assert.match(await statusBar().innerText(), /imported files/);
  assert.equal(await page.getByRole('button', { name: 'Refresh' }).isDisabled(), true);
  await page.screenshot({ path: `${artifacts}/import-case-e2e.png` });
});

test('no unexpected page errors', () => {
  assert.deepEqual(pageErrors, []);
});
