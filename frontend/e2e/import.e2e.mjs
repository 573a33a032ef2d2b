// Import in the window, in Debian's Chromium, on the dev-tagged binary with
// no profile (see .ci/e2e.sh): the files are "chosen" through
// AUDITDESK_OPEN_FILES (the native dialog cannot be driven from a browser):
// the console's export as Excel leaves it on a Japanese Windows (Shift_JIS,
// Japanese headers, times re-saved without seconds) and a file with a bad
// row. The preview says how each will be read and shows the Japanese
// intact; Import adds the good one, refuses the bad one whole, and the
// window then shows the case: its rows, no Refresh, "imported files", and
// the files it holds. Then a file is dropped on the window: a drag of
// files shows the drop target, and the drop reaches Go as WebKitGTK hands
// it over (Wails's "DD:x:y:paths" message, which the page sends here since
// no OS drag reaches a headless browser): the Import dialog opens with the
// file previewed, and it goes into the case.
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
  // The case holds one file: the bad one was refused whole.
  await page.locator('button.profile').getByText('Imported files: 1 file', { exact: true }).waitFor();
  await page.screenshot({ path: `${artifacts}/import-case-e2e.png` });
});

test('a file dropped on the window is previewed and imported into the case', async () => {
  const dropped = process.env.E2E_DROP_FILE;
  assert.ok(dropped, 'E2E_DROP_FILE is not set: run this through .ci/e2e.sh');
  const overlay = page.getByText('Drop files to import them into a case');

  // Files dragged over the window: the drop target shows, and goes at the drop,
  // which the page takes (the web view must not open the file).
  await page.evaluate(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['x'], 'more.csv', { type: 'text/csv' }));
    document.body.dispatchEvent(new DragEvent('dragenter', { bubbles: true, cancelable: true, dataTransfer: dt }));
    document.body.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: dt }));
  });
  await overlay.waitFor();
  await page.screenshot({ path: `${artifacts}/import-drop-target-e2e.png` });
  const taken = await page.evaluate(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['x'], 'more.csv', { type: 'text/csv' }));
    return !document.body.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: dt }));
  });
  assert.equal(taken, true, "the page must cancel a file drop's default");
  await overlay.waitFor({ state: 'hidden' });

  // The drop, as WebKitGTK's drop handler gives it to Wails: Go's
  // runtime.OnFileDrop hears it and the window opens the Import dialog.
  await page.evaluate((path) => window.WailsInvoke(`DD:640:400:${path}`), dropped);
  const dialog = page.getByRole('dialog', { name: 'Import files' });
  await dialog.getByRole('list', { name: 'Chosen files' }).getByText('more.csv').waitFor();
  await dialog
    .getByRole('region', { name: 'more.csv' })
    .getByText('Read as console-csv, utf-8, separated by commas')
    .waitFor();
  await dialog.getByText('dropped@example.jp').waitFor();
  await dialog.getByRole('button', { name: 'Import', exact: true }).click();
  await dialog.getByText(/more\.csv: 1 new, 0 duplicates, 0 rejected/).waitFor();
  await dialog.getByRole('button', { name: 'Close' }).click();

  await until('the dropped file in the case', async () => (await matching())?.total === 4);
  await page.locator('button.profile').getByText('Imported files: 2 files', { exact: true }).waitFor();
});

test('no unexpected page errors', () => {
  assert.deepEqual(pageErrors, []);
});
