// A first launch in Debian's Chromium, served by the dev-tagged binary on a
// fresh data dir with a slowed demo (see .ci/e2e.sh): the demo opens by
// itself, its progress shows, Cancel keeps what was saved, Refresh ends it.
// It asserts what a person sees.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { artifacts, openApp, pageHelpers } from './browser.mjs';

const demoEvents = Number(process.env.E2E_DEMO_EVENTS ?? 40000);

let browser;
let page;
const { statusBar, count } = pageHelpers(() => page);
let pageErrors = [];
/** The total the progress strip showed ("of 40,000 events"), once seen. */
let progressTotal = 0;
/** The status bar's count after Cancel. */
let cancelledCount = 0;

before(async () => {
  ({ browser, page, pageErrors } = await openApp());
});

after(async () => {
  if (page) await page.screenshot({ path: `${artifacts}/sync-done.png` });
  await browser?.close();
});

const notices = () => page.getByRole('status', { name: 'Notifications' });

/** barCount reads "12,345 events" from the status bar. */
async function barCount() {
  const m = /([\d,]+) events?\b/.exec(await statusBar().innerText());
  assert.ok(m, `no event count in the status bar: ${await statusBar().innerText()}`);
  return count(m[1]);
}

test('a first launch opens the demo by itself, with a progress bar whose count rises', async (t) => {
  const bar = page.getByRole('progressbar', { name: 'Sync progress' });
  await bar.waitFor({ timeout: 15000 });
  assert.equal(await page.getByRole('button', { name: 'Refreshing…' }).isDisabled(), true);

  // Read the strip as a person would: its text, a few times, as it moves.
  const strip = page.getByText(/^Syncing .* events · /);
  const seen = [];
  for (let i = 0; i < 100 && seen.length < 2; i++) {
    const text = (await strip.count()) ? await strip.first().innerText() : '';
    const m = /([\d,]+)(?: of ([\d,]+))? events?/.exec(text);
    if (m && count(m[1]) > 0 && (seen.length === 0 || count(m[1]) > seen.at(-1))) {
      seen.push(count(m[1]));
      if (m[2]) progressTotal = count(m[2]);
    }
    await page.waitForTimeout(50);
  }
  assert.ok(seen.length >= 2, `the events count did not rise: ${seen.join(' -> ')}`);
  assert.ok(seen.at(-1) < demoEvents, `the sync ended before it could be watched: ${seen.join(' -> ')}`);
  if (progressTotal > 0) {
    assert.equal(progressTotal, demoEvents, 'the total in "N of M events"');
    assert.equal(await bar.getAttribute('aria-valuemax'), String(demoEvents));
    assert.ok(Number(await bar.getAttribute('aria-valuenow')) > 0);
  }
  await page.screenshot({ path: `${artifacts}/sync-progress.png` });
  t.diagnostic(`progress seen: ${seen.join(' -> ')} of ${progressTotal || '?'}`);
});

test('Cancel stops it: a neutral notice, the saved events kept, the state in the status bar', async (t) => {
  await page.getByRole('button', { name: 'Cancel sync' }).click();
  await notices().getByText('Sync cancelled; the events saved so far are kept').waitFor({ timeout: 10000 });
  await page.getByRole('progressbar').waitFor({ state: 'detached' });
  assert.equal(await page.getByRole('alert').count(), 0, 'a cancel is not an error');
  await statusBar().getByText('last sync cancelled').waitFor({ timeout: 5000 });
  cancelledCount = await barCount();
  t.diagnostic(`cached after Cancel: ${cancelledCount}`);
  assert.ok(cancelledCount > 0, 'the pages saved before Cancel are kept');
  assert.ok(cancelledCount < demoEvents, `${cancelledCount} cached after Cancel, want fewer than ${demoEvents}`);
  // The sync's end queries again: the table holds exactly the events kept.
  const grid = page.getByRole('grid', { name: 'Audit events' });
  for (let i = 0; i < 100 && (await grid.getAttribute('aria-rowcount')) !== String(cancelledCount + 1); i++) {
    await page.waitForTimeout(100);
  }
  assert.equal(await grid.getAttribute('aria-rowcount'), String(cancelledCount + 1));
  await page.locator('[role=grid] [role=row][aria-rowindex="2"]:not([aria-busy]) [role=gridcell]').first().waitFor();
  await page.screenshot({ path: `${artifacts}/sync-cancelled.png` });
});

test('Refresh completes: the full count, "last synced", a success notice', async () => {
  const refresh = page.getByRole('button', { name: 'Refresh' });
  assert.equal(await refresh.isEnabled(), true);
  await refresh.click();
  await page.getByRole('progressbar', { name: 'Sync progress' }).waitFor({ timeout: 5000 });
  await notices()
    .getByText(/^Synced: [\d,]+ new events?$/)
    .waitFor({ timeout: 60000 });
  await statusBar()
    .getByText(/last synced \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/)
    .waitFor({ timeout: 5000 });
  const final = await barCount();
  assert.ok(
    final >= Math.max(progressTotal, demoEvents),
    `${final} cached, want at least ${progressTotal || demoEvents}`,
  );
  assert.ok(final > cancelledCount);
  assert.match(await statusBar().innerText(), /\d{4}-\d\d-\d\d – \d{4}-\d\d-\d\d/);
  assert.equal(await page.getByRole('button', { name: 'Refresh' }).isEnabled(), true);
});

test('the profile shows the Demo badge and the Owner role', async () => {
  const toolbar = page.getByRole('toolbar');
  assert.ok(await toolbar.getByText('Demo', { exact: true }).isVisible());
  assert.ok(await toolbar.getByText('Owner', { exact: true }).isVisible());
  await toolbar.getByRole('button', { name: /Owner/ }).click();
  assert.ok(await page.getByRole('menuitem', { name: 'Open the demo' }).isVisible());
  await page.keyboard.press('Escape');
  await page.getByRole('menu').waitFor({ state: 'detached' });
});

test('no unexpected page errors', () => {
  assert.deepEqual(pageErrors, []);
});
