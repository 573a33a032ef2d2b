// What every end-to-end test shares: Debian's Chromium, started the way it
// works on these machines (never a downloaded browser), and the app's page.
import assert from 'node:assert/strict';
import { open } from 'node:fs/promises';
import { chromium } from 'playwright-core';

export const artifacts = process.env.E2E_ARTIFACTS ?? '../build/test-artifacts';

/**
 * safetyNet bounds every wait on what a person would see. The tests wait
 * on states, never on the clock: this only ends a test that would wait
 * forever, so it is generous (a fresh 2-core machine under load is slow).
 */
export const safetyNet = 90_000;

/**
 * openApp starts Chromium (with any extra flags) and opens the app served at $E2E_URL. Page errors
 * land in the returned list, except the harmless one that Wails' injected
 * dev script throws once in a plain browser.
 */
export async function openApp({ args = [] } = {}) {
  const url = process.env.E2E_URL;
  assert.ok(url, 'E2E_URL is not set: run this through .ci/e2e.sh');
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...args,
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(safetyNet);
  const pageErrors = [];
  page.on('pageerror', (e) => {
    if (!String(e.message).includes("reading 'nodes'")) pageErrors.push(e.message);
  });
  await page.goto(url);
  return { browser, page, pageErrors };
}

/**
 * pageHelpers are the table's and status bar's lookups every test uses,
 * over the page getPage returns (set in the test's before hook).
 */
export function pageHelpers(getPage) {
  const grid = () => getPage().getByRole('grid', { name: 'Audit events' });
  const statusBar = () => getPage().getByRole('status', { name: 'Cache status' });
  const count = (s) => Number(s.replaceAll(',', ''));
  /** matching reads "12,345 matching of 20,000 events" from the status bar. */
  async function matching() {
    const m = /([\d,]+) matching of ([\d,]+) events?/.exec(await statusBar().innerText());
    return m ? { total: count(m[1]), events: count(m[2]) } : null;
  }
  /** until polls fn until it returns something truthy, and returns that. */
  async function until(what, fn, timeout = safetyNet) {
    const end = Date.now() + timeout;
    let last;
    while (Date.now() < end) {
      last = await fn();
      if (last) return last;
      await getPage().waitForTimeout(50);
    }
    assert.fail(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
  }
  /**
   * wholeDemo waits for the status bar's "last synced" and, unless told
   * not to, for no sync to run; then for the table to match every event of
   * the demo, and returns that reading of matching.
   */
  async function wholeDemo({ syncDone = true } = {}) {
    await statusBar()
      .getByText(/last synced \d{4}-\d\d-\d\d/)
      .waitFor();
    if (syncDone) await until('no sync running', async () => (await getPage().getByRole('progressbar').count()) === 0);
    return until('the whole demo', async () => {
      const v = await matching();
      return v && v.total > 0 && v.total === v.events ? v : null;
    });
  }
  return { grid, statusBar, count, matching, until, wholeDemo };
}

/**
 * openGate opens the demo's page gate: the named pipe $E2E_DEMO_GATE that
 * the dev binary's demo reads (AUDITDESK_DEMO_GATE), one page served per
 * byte. A test that watches a sync releases its pages itself, so the sync
 * can neither end before it is seen nor wait on a timer; once the gate is
 * closed (or this process ends) every page goes through.
 */
export async function openGate(path = process.env.E2E_DEMO_GATE) {
  assert.ok(path, 'E2E_DEMO_GATE is not set: run this through .ci/e2e.sh');
  const pipe = await open(path, 'w'); // resolves once the dev binary reads it
  let closed = false;
  return {
    /** release lets n more pages through. */
    release: async (n = 1) => {
      await pipe.write(Buffer.alloc(n, 1));
    },
    /** close lets every page through from now on. */
    close: async () => {
      if (!closed) await pipe.close();
      closed = true;
    },
  };
}
