// A first launch in Debian's Chromium, served by the dev-tagged binary on a
// fresh data dir with a gated demo (see .ci/e2e.sh): the demo opens by
// itself, its progress shows, Cancel keeps what was saved, Refresh ends it.
// The test paces the sync through the gate, a page per byte, so it waits
// on what a person sees and never on the clock. It asserts what a person
// sees.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { artifacts, openApp, openGate, pageHelpers } from './browser.mjs';

const demoEvents = Number(process.env.E2E_DEMO_EVENTS ?? 40000);

let browser;
let page;
let gate;
const { statusBar, count, until } = pageHelpers(() => page);
let pageErrors = [];
/** The counts the progress strip showed, a page released each. */
const seen = [];
/** The status bar's count after Cancel. */
let cancelledCount = 0;

before(async () => {
  gate = await openGate();
  ({ browser, page, pageErrors } = await openApp());
});

after(async () => {
  await gate?.close(); // whatever failed, the dev binary's sync runs free
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

/** stripEvents reads "N of M events" from the progress strip: {n, total}, or null before the first page. */
async function stripEvents() {
  const strip = page.getByText(/^Syncing .* events? · /);
  const text = (await strip.count()) ? await strip.first().innerText() : '';
  const m = /([\d,]+)(?: of ([\d,]+))? events?/.exec(text);
  return m ? { n: count(m[1]), total: m[2] ? count(m[2]) : 0 } : null;
}

test('a first launch opens the demo by itself, with a progress bar whose count rises', async (t) => {
  // Held at its first page until released: the bar stays until then.
  const bar = page.getByRole('progressbar', { name: 'Sync progress' });
  await bar.waitFor();
  assert.equal(await page.getByRole('button', { name: 'Refreshing…' }).isDisabled(), true);

  // A page at a time, read as a person would: the strip's count rises.
  let total = 0;
  for (let i = 0; i < 3; i++) {
    await gate.release(1);
    const before = seen.at(-1) ?? 0;
    const p = await until(`the events count past ${before}`, async () => {
      const v = await stripEvents();
      return v && v.n > before ? v : null;
    });
    seen.push(p.n);
    total = p.total;
  }
  assert.ok(seen.at(-1) < demoEvents, `three pages are not the whole demo: ${seen.join(' -> ')}`);
  assert.equal(total, demoEvents, 'the total in "N of M events"');
  assert.equal(await bar.getAttribute('aria-valuemax'), String(demoEvents));
  assert.equal(await bar.getAttribute('aria-valuenow'), String(seen.at(-1)));
  await page.screenshot({ path: `${artifacts}/sync-progress.png` });
  t.diagnostic(`progress seen: ${seen.join(' -> ')} of ${total}`);
});

test('Cancel stops it: a neutral notice, the saved events kept, the state in the status bar', async (t) => {
  // The sync waits for its fourth page, which never comes: Cancel meets it running.
  await page.getByRole('button', { name: 'Cancel sync' }).click();
  await notices().getByText('Sync cancelled; the events saved so far are kept').waitFor();
  await page.getByRole('progressbar').waitFor({ state: 'detached' });
  assert.equal(await page.getByRole('alert').count(), 0, 'a cancel is not an error');
  await statusBar().getByText('last sync cancelled').waitFor();
  cancelledCount = await until('the cached count after Cancel', async () => {
    const n = await barCount();
    return n === seen.at(-1) ? n : null;
  });
  t.diagnostic(`cached after Cancel: ${cancelledCount}, the three pages released`);
  // The sync's end queries again: the table holds exactly the events kept.
  const grid = page.getByRole('grid', { name: 'Audit events' });
  await until(
    'the table of the events kept',
    async () => (await grid.getAttribute('aria-rowcount')) === String(cancelledCount + 1),
  );
  await page.locator('[role=grid] [role=row][aria-rowindex="2"]:not([aria-busy]) [role=gridcell]').first().waitFor();
  await page.screenshot({ path: `${artifacts}/sync-cancelled.png` });
});

test('Refresh completes: the full count, "last synced", a success notice', async () => {
  const refresh = page.getByRole('button', { name: 'Refresh' });
  assert.equal(await refresh.isEnabled(), true);
  await refresh.click();
  // Held at its first page until the gate opens for good.
  await page.getByRole('progressbar', { name: 'Sync progress' }).waitFor();
  await gate.close();
  const synced = notices().getByText(/^Synced: [\d,]+ new events?$/);
  await synced.waitFor();
  await statusBar()
    .getByText(/last synced \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/)
    .waitFor();
  const final = await barCount();
  assert.ok(final >= demoEvents, `${final} cached, want at least ${demoEvents}`);
  assert.equal(
    count(/([\d,]+) new/.exec(await synced.innerText())[1]),
    final - cancelledCount,
    'the notice counts what the refresh added',
  );
  assert.match(await statusBar().innerText(), /\d{4}-\d\d-\d\d – \d{4}-\d\d-\d\d/);
  assert.equal(await page.getByRole('button', { name: 'Refresh' }).isEnabled(), true);
});

test('the profile says Demo data and the Owner role', async () => {
  const toolbar = page.getByRole('toolbar');
  assert.ok(await toolbar.getByText('Demo data', { exact: true }).isVisible());
  assert.ok(await toolbar.getByText('Owner', { exact: true }).isVisible());
  await toolbar.getByRole('button', { name: /Owner/ }).click();
  assert.ok(await page.getByRole('menuitem', { name: 'Open the demo' }).isVisible());
  await page.keyboard.press('Escape');
  await page.getByRole('menu').waitFor({ state: 'detached' });
});

test('no unexpected page errors', () => {
  assert.deepEqual(pageErrors, []);
});
