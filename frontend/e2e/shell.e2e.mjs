// The shell in Debian's Chromium, served by the dev-tagged binary with the
// live Go methods (see .ci/e2e.sh). It asserts what a person sees.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { artifacts, openApp } from './browser.mjs';

const version = process.env.E2E_VERSION;

let browser;
let page;
let pageErrors = [];

before(async () => {
  ({ browser, page, pageErrors } = await openApp());
});

after(async () => {
  if (page) await page.screenshot({ path: `${artifacts}/e2e-shell.png` });
  await browser?.close();
});

test('the shell renders: toolbar, filter bar, table, status bar', async () => {
  await page.getByRole('button', { name: 'Refresh' }).waitFor();
  assert.ok(await page.getByRole('button', { name: 'Export' }).isVisible());
  assert.ok(await page.getByRole('textbox', { name: 'Search' }).isVisible());
  const headers = await page.getByRole('columnheader').allInnerTexts();
  const want = [
    'Timestamp (UTC)',
    'User',
    'Scope',
    'Category',
    'Action',
    'Target',
    'Status',
    'Description',
    'Workspace',
  ];
  assert.deepEqual(
    headers.map((h) => h.trim()).filter((h) => want.includes(h)),
    want,
  );
  assert.ok(await page.getByText('No events yet').isVisible());
  // A header reached by the keyboard shows the focus ring, inside its cell (which clips what is outside).
  const sort = page.getByRole('columnheader', { name: 'User' }).getByRole('button');
  await sort.focus();
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('Tab');
  const ring = await sort.evaluate((b) => {
    const s = getComputedStyle(b);
    return { focused: document.activeElement === b, style: s.outlineStyle, offset: parseFloat(s.outlineOffset) };
  });
  assert.ok(
    ring.focused && ring.style === 'solid' && ring.offset < 0,
    `the header's focus ring: ${JSON.stringify(ring)}`,
  );
  // The table takes the free height; the status bar sits at the window's foot.
  const foot = await page.getByRole('status', { name: 'Cache status' }).boundingBox();
  assert.equal(Math.round(foot.y + foot.height), page.viewportSize().height);
  const area = await page.locator('.table-area').boundingBox();
  assert.ok(area.height > 500, `the table area is ${area.height}px high in an 800px window`);
  assert.ok(await page.getByText('No profile').first().isVisible());
});

test('a bound Go method answers: the status bar shows the build and the cache', async () => {
  const status = page.getByRole('status', { name: 'Cache status' });
  await status.getByText(`v${version}`).waitFor();
  const text = await status.innerText();
  assert.match(text, /\b0 events\b/);
  assert.match(text, /last synced never/);
});

test('Category is disabled until a Scope is chosen, then lists only its categories', async () => {
  const category = page.getByRole('combobox', { name: 'Category' });
  assert.equal(await category.isDisabled(), true);
  await page.getByRole('combobox', { name: 'Scope' }).selectOption('Billing');
  assert.equal(await category.isDisabled(), false);
  const options = (await category.locator('option').allInnerTexts()).map((o) => o.trim()).filter(Boolean);
  // From Go's Scopes(): Billing's categories, sorted, after the blank option.
  assert.deepEqual(options.slice(1), ['Payment', 'Plan', 'Voucher', 'Wallet']);
  await page.getByRole('button', { name: /Remove filter Scope: Billing/ }).click();
  assert.equal(await category.isDisabled(), true);
});

test('an error from Go shows as a readable message', async () => {
  await page.getByRole('button', { name: 'Refresh' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  const text = await alert.innerText();
  assert.match(text, /no profile yet: connect to your platform/i);
  assert.doesNotMatch(text, /\[object Object\]|\{"code"/);
  await page.screenshot({ path: `${artifacts}/e2e-error.png` });
  await alert.getByRole('button', { name: 'Dismiss' }).click();
  await alert.waitFor({ state: 'detached' });
});

test('Ctrl+R refreshes from the keyboard (and does not reload the page)', async () => {
  await page.getByRole('textbox', { name: 'Search' }).fill('kept');
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('Control+r');
  await page.getByRole('alert').waitFor();
  assert.equal(await page.getByRole('textbox', { name: 'Search' }).inputValue(), 'kept');
});

test('no unexpected page errors', () => {
  assert.deepEqual(pageErrors, []);
});
