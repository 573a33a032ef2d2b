// Saved views, columns, profiles and evidence in Debian's Chromium, served by
// the dev-tagged binary on a fresh data dir with a 20,000-event demo (see
// .ci/e2e.sh): a built-in view narrows the table and a saved one comes back
// and goes; a column hidden and one resized stay so across a reload; the
// profile menu lists the demo profile; Verify cache says OK; the chain head
// shows in the status bar.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { artifacts, openApp, pageHelpers } from './browser.mjs';

let browser;
let page;
const { statusBar, matching, until, wholeDemo } = pageHelpers(() => page);
let pageErrors = [];
let everything = 0;

before(async () => {
  ({ browser, page, pageErrors } = await openApp());
});

after(async () => {
  await browser?.close();
});

async function demoIn() {
  const m = await wholeDemo({ syncDone: false });
  await page.locator('[role=grid] [role=row][aria-rowindex="2"]:not([aria-busy])').waitFor();
  return m.total;
}

test('the demo is in, with its chain head in the status bar', async () => {
  everything = await demoIn();
  const head = statusBar().locator('code');
  const full = (await head.getAttribute('title')).replace('Hash-chain head: ', '');
  assert.match(full, /^[0-9a-f]{64}$/);
  assert.equal(await head.innerText(), full.slice(0, 12));
});

test('a built-in view narrows the table; a saved view comes back and is deleted', async () => {
  await page.getByRole('button', { name: 'Views' }).click();
  const menu = page.getByRole('menu', { name: 'Views' });
  await menu.getByText('Failed actions').waitFor();
  await menu.getByText('Failed actions').click();
  await page.getByRole('button', { name: 'Remove filter Status: FAILED' }).waitFor();
  const failed = await until('the failed count', async () => {
    const v = await matching();
    return v && v.total < everything && v.total > 0 ? v.total : null;
  });
  await page.getByRole('columnheader', { name: 'User' }).getByRole('button').click();
  await page.getByRole('button', { name: 'Views' }).click();
  await menu.getByRole('menuitem', { name: 'Save current view…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Save current view' });
  await dialog.getByLabel('Name').fill('E2E failed by user');
  await dialog.getByLabel('Name').press('Enter');
  await until('the dialog closed', async () => (await dialog.isVisible()) === false);

  await page.getByRole('button', { name: 'Clear all' }).click();
  await until('the whole demo again', async () => (await matching())?.total === everything);
  await page.getByRole('button', { name: 'Views' }).click();
  await menu.getByText('E2E failed by user').click();
  await until('the saved view again', async () => (await matching())?.total === failed);
  const sort = await page.getByRole('columnheader', { name: 'User' }).getAttribute('aria-sort');
  assert.equal(sort, 'ascending');

  await page.getByRole('button', { name: 'Views' }).click();
  await menu.getByText('E2E failed by user').waitFor();
  await page.screenshot({ path: `${artifacts}/views.png` });
  await menu.getByRole('menuitem', { name: 'Delete view E2E failed by user' }).click();
  await until('the view gone', async () => (await menu.getByText('E2E failed by user').count()) === 0);
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Clear all' }).click();
  await until('the whole demo again', async () => (await matching())?.total === everything);
});

test('a hidden column and a resized one stay so across a reload', async () => {
  await page.getByRole('button', { name: 'Columns' }).click();
  const menu = page.getByRole('menu', { name: 'Columns' });
  await menu.getByRole('menuitemcheckbox', { name: 'Workspace' }).click();
  await until(
    'Workspace hidden',
    async () => (await page.getByRole('columnheader', { name: 'Workspace' }).count()) === 0,
  );
  const action = page.getByRole('columnheader', { name: 'Action' });
  const before = (await action.boundingBox()).width;
  const edge = await page.getByRole('separator', { name: 'Resize Action' }).boundingBox();
  await page.mouse.move(edge.x + edge.width / 2, edge.y + edge.height / 2);
  await page.mouse.down();
  await page.mouse.move(edge.x + 90, edge.y + edge.height / 2, { steps: 6 });
  await page.mouse.up();
  const wider = (await action.boundingBox()).width;
  assert.ok(wider > before + 60, `Action went from ${before} to ${wider} px`);
  await page.getByRole('button', { name: 'Columns' }).click();
  await page.screenshot({ path: `${artifacts}/columns.png` });
  await page.keyboard.press('Escape');

  // The window opens on the view shown last: wait until Go keeps it (the
  // whole demo, after the views above), so the reload opens on it.
  await until('Go keeping the whole demo as the last view', () =>
    page.evaluate(async () => {
      const f = (await window.go.app.Preferences.Get()).last?.filter ?? {};
      return Object.entries(f).every(
        ([k, v]) => k === 'timeZone' || v === '' || v == null || (Array.isArray(v) && v.length === 0),
      );
    }),
  );
  await page.reload();
  await demoIn();
  assert.equal(await page.getByRole('columnheader', { name: 'Workspace' }).count(), 0);
  const after = (await page.getByRole('columnheader', { name: 'Action' }).boundingBox()).width;
  assert.ok(Math.abs(after - wider) <= 2, `Action is ${after} px after the reload, was ${wider}`);
});

test('the profile menu lists the profiles, the current one checked; Verify cache says OK', async () => {
  await page.locator('button.profile').click();
  const menu = page.getByRole('menu', { name: 'Profile' });
  const current = menu.getByRole('menuitemradio', { checked: true });
  await current.waitFor();
  assert.match(await current.innerText(), /Owner/);
  await page.screenshot({ path: `${artifacts}/profiles.png` });
  await menu.getByRole('menuitem', { name: 'Verify cache…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Verify cache' });
  await dialog.getByText('OK', { exact: true }).waitFor();
  const text = await dialog.innerText();
  assert.match(text, new RegExp(everything.toLocaleString('en-US')));
  await page.screenshot({ path: `${artifacts}/verify.png` });
  await dialog.getByRole('button', { name: 'Close' }).click();
});

test('no unexpected page errors', () => {
  assert.deepEqual(pageErrors, []);
});
