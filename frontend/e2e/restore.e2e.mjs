// The filters, sort and view shown last come back at launch, across a real
// restart of the dev-tagged binary on one data dir with a 20,000-event demo
// (see .ci/e2e.sh), in Debian's Chromium. E2E_PHASE says which launch this is:
//  save     the demo in, the page chooses Status FAILED, a Scope and a search,
//           sorts by User descending and saves that as a view; once Go keeps
//           it as the last view, what the page shows goes to $E2E_RESTORE_SEEN;
//  restore  (the binary stopped and started again) a fresh page shows the same
//           chips, search, sort, view, count and first rows, fewer than the
//           whole demo; then Settings turns "Open on the filters, sort and
//           view shown last" off, and a filter changed after is not kept;
//  off      (started again) the page opens on the whole demo, newest first,
//           and the setting is still off.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { artifacts, openApp, pageHelpers } from './browser.mjs';

const phase = process.env.E2E_PHASE;
const seenFile = process.env.E2E_RESTORE_SEEN;
const term = 'container';
const scope = 'Service';
const viewName = 'E2E restored';
const restoreLabel = 'Open on the filters, sort and view shown last';

let browser;
let page;
const { grid, statusBar, matching, until } = pageHelpers(() => page);
let pageErrors = [];

before(async () => {
  assert.ok(['save', 'restore', 'off'].includes(phase), `E2E_PHASE is ${phase}: run this through .ci/e2e.sh`);
  assert.ok(seenFile, 'E2E_RESTORE_SEEN is not set: run this through .ci/e2e.sh');
  ({ browser, page, pageErrors } = await openApp());
});

after(async () => {
  await browser?.close();
});

/** settled waits for the demo synced and no sync running, then for the count and the first row. */
async function settled() {
  await statusBar()
    .getByText(/last synced \d{4}-\d\d-\d\d/)
    .waitFor();
  await until('no sync running', async () => (await page.getByRole('progressbar').count()) === 0);
  const m = await until('a count', matching);
  await page.locator('[role=grid] [role=row][aria-rowindex="2"]:not([aria-busy])').waitFor();
  return m;
}

/** shown is what the page shows now: the count, chips, search, sorted header, view and first rows. */
async function shown() {
  const m = await matching();
  const chips = await page
    .getByRole('group', { name: 'Active filters' })
    .getByRole('button', { name: /^Remove filter / })
    .evaluateAll((bs) => bs.map((b) => b.getAttribute('aria-label').replace('Remove filter ', '')));
  const sorted = await page
    .locator('[role=columnheader][aria-sort]')
    .evaluateAll((hs) => hs.map((h) => `${h.getAttribute('aria-label')} ${h.getAttribute('aria-sort')}`));
  const rows = await page.evaluate(() =>
    [...document.querySelectorAll('[role=grid] [role=row]')]
      .filter((r) => Number(r.getAttribute('aria-rowindex')) >= 2 && r.getAttribute('aria-busy') !== 'true')
      .sort((a, b) => Number(a.getAttribute('aria-rowindex')) - Number(b.getAttribute('aria-rowindex')))
      .slice(0, 5)
      .map((r) =>
        [...r.querySelectorAll('[role=gridcell]')].map((c) => c.getAttribute('title') ?? c.textContent.trim()),
      ),
  );
  return {
    total: m?.total,
    events: m?.events,
    rowcount: await grid().getAttribute('aria-rowcount'),
    chips,
    search: await page.getByRole('textbox', { name: 'Search' }).inputValue(),
    sorted,
    views: (await page.getByRole('button', { name: 'Views' }).textContent()).replace(/\s+/g, ' ').trim(),
    rows,
  };
}

/** kept is the last view Go keeps for the next launch (Preferences.Get, as the page reads it). */
const kept = () => page.evaluate(() => window.go.app.Preferences.Get());

async function setRestore(on) {
  await page.getByRole('button', { name: 'Settings' }).click();
  const dialog = page.getByRole('dialog', { name: 'Settings' });
  await dialog.getByLabel(restoreLabel).setChecked(on);
  await dialog.getByRole('button', { name: 'Save' }).click();
  await until('the dialog closed', async () => (await dialog.isVisible()) === false);
}

if (phase === 'save') {
  test('filters, a sort and a saved view are kept as the last view', async (t) => {
    const all = await settled();
    assert.equal(all.total, all.events, 'a first launch shows the whole demo');
    await page.getByRole('combobox', { name: 'Status' }).selectOption('FAILED');
    await page.getByRole('button', { name: 'Remove filter Status: FAILED' }).waitFor();
    await page.getByRole('combobox', { name: 'Scope' }).selectOption(scope);
    await page.getByRole('button', { name: `Remove filter Scope: ${scope}` }).waitFor();
    await page.getByRole('textbox', { name: 'Search' }).fill(term);
    await page.getByRole('button', { name: `Remove filter Search: ${term}` }).waitFor();
    const user = page.getByRole('columnheader', { name: 'User', exact: true });
    await user.getByRole('button').click();
    await until('User ascending', async () => (await user.getAttribute('aria-sort')) === 'ascending');
    await user.getByRole('button').click();
    await until('User descending', async () => (await user.getAttribute('aria-sort')) === 'descending');

    await page.getByRole('button', { name: 'Views' }).click();
    await page.getByRole('menu', { name: 'Views' }).getByRole('menuitem', { name: 'Save current view…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save current view' });
    await dialog.getByLabel('Name').fill(viewName);
    await dialog.getByLabel('Name').press('Enter');
    await until('the dialog closed', async () => (await dialog.isVisible()) === false);

    // The rows of the narrowed view, sorted: the count is the grid's, the first rows loaded.
    const seen = await until('the narrowed, sorted rows', async () => {
      const s = await shown();
      const ok =
        s.total > 0 &&
        s.total < all.events &&
        s.rowcount === String(s.total + 1) &&
        s.rows.length === Math.min(5, s.total) &&
        s.views === `Views: ${viewName}`;
      return ok ? s : null;
    });
    // Saved a moment (lastSaveDelayMs) after the last change: wait for Go to keep it.
    const last = await until('Go keeping the last view', async () => {
      const l = (await kept()).last;
      return l?.filter.search === term && l.sort === 'user' && l.desc && l.view === viewName ? l : null;
    });
    assert.equal(last.filter.status, 'FAILED');
    assert.equal(last.filter.scope, scope);
    writeFileSync(seenFile, JSON.stringify(seen, null, 2) + '\n');
    await page.screenshot({ path: `${artifacts}/restore-saved-e2e.png` });
    t.diagnostic(`${seen.total} of ${seen.events} events; ${seen.chips.join(', ')}; ${seen.sorted.join(', ')}`);
  });
}

if (phase === 'restore') {
  test('after a restart a fresh page opens on the filters, sort and view shown last', async (t) => {
    const seen = JSON.parse(readFileSync(seenFile, 'utf8'));
    await settled();
    const now = await shown();
    await page.screenshot({ path: `${artifacts}/restored-at-launch-e2e.png` });
    assert.deepEqual(now.chips, seen.chips, 'the chips');
    assert.deepEqual(now.chips, ['Search: container', `Scope: ${scope}`, 'Status: FAILED']);
    assert.equal(now.search, term, 'the search box');
    assert.deepEqual(now.sorted, seen.sorted, 'the sorted column');
    assert.deepEqual(now.sorted, ['User descending']);
    assert.equal(now.views, `Views: ${viewName}`, 'the view, named and unchanged');
    assert.equal(now.total, seen.total, 'the matching count');
    assert.equal(now.rowcount, seen.rowcount, "the grid's row count");
    assert.deepEqual(now.rows, seen.rows, 'the first rows, in order');
    assert.ok(now.total > 0 && now.total < now.events, `${now.total} of ${now.events}: not the whole demo`);
    t.diagnostic(`${now.total} of ${now.events} events restored`);
  });

  test('the setting turned off in Settings keeps no view after', async () => {
    await setRestore(false);
    assert.equal((await kept()).restoreLast, false);
    await page.getByRole('combobox', { name: 'Status' }).selectOption('SUCCESS');
    await page.getByRole('button', { name: 'Remove filter Status: SUCCESS' }).waitFor();
    // Past the save's delay (800 ms): with the setting off nothing is kept.
    await page.waitForTimeout(1500);
    assert.equal((await kept()).last, null);
  });
}

if (phase === 'off') {
  test('with the setting off, a restart opens on the whole demo, newest first', async () => {
    const seen = JSON.parse(readFileSync(seenFile, 'utf8'));
    const now = await settled();
    const s = await shown();
    await page.screenshot({ path: `${artifacts}/restore-off-e2e.png` });
    assert.equal(now.total, now.events, 'every event matches');
    assert.equal(now.events, seen.events);
    assert.deepEqual(s.chips, []);
    assert.equal(s.search, '');
    assert.deepEqual(s.sorted, ['Timestamp (UTC) descending']);
    assert.equal(s.views, 'Views');
    await page.getByRole('button', { name: 'Settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Settings' });
    assert.equal(await dialog.getByLabel(restoreLabel).isChecked(), false, 'the setting is still off');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
  });
}

test('no unexpected page errors', () => {
  assert.deepEqual(pageErrors, []);
});
