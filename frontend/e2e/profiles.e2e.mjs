// Switching profiles in Debian's Chromium, served by the dev-tagged binary
// on a data dir where `auditdesk sync` cached two identities of one
// simulated organization (see .ci/e2e.sh): a Workspace Admin's, then the
// Owner's. The window opens the one synced last; the profile menu switches
// to the other and back, and each time the identity, the role and the count
// are that profile's own, the counts being `auditdesk query`'s.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { artifacts, openApp, pageHelpers } from './browser.mjs';

const want = {
  owner: { user: process.env.E2E_OWNER_USER, role: 'Owner', events: Number(process.env.E2E_OWNER_EVENTS) },
  admin: { user: process.env.E2E_ADMIN_USER, role: 'Workspace Admin', events: Number(process.env.E2E_ADMIN_EVENTS) },
};

let browser;
let page;
const { grid, statusBar, matching, until } = pageHelpers(() => page);
let pageErrors = [];

before(async () => {
  assert.ok(
    want.owner.user && want.admin.user && want.owner.events > want.admin.events && want.admin.events > 0,
    'e2e.sh passes both profiles',
  );
  ({ browser, page, pageErrors } = await openApp());
});

after(async () => {
  await browser?.close();
});

/** shows waits until the window shows who's profile: its user, role badge and every event of its cache. */
async function shows(who) {
  const trigger = page.locator('button.profile');
  await until(`${who.user} in the header`, async () => (await trigger.innerText()).includes(who.user));
  assert.match(await trigger.innerText(), new RegExp(`\\b${who.role}\\b`));
  if (who.role === 'Owner') assert.doesNotMatch(await trigger.innerText(), /Workspace Admin/);
  const m = await until(`the ${who.events} events of ${who.user}`, async () => {
    const v = await matching();
    return v && v.events === who.events && v.total === who.events ? v : null;
  });
  assert.equal(await grid().getAttribute('aria-rowcount'), String(m.total + 1));
}

async function switchTo(who) {
  await page.locator('button.profile').click();
  const menu = page.getByRole('menu', { name: 'Profile' });
  const items = menu.getByRole('menuitemradio');
  await items.first().waitFor();
  assert.equal(await items.count(), 2, 'both profiles are listed');
  await items.filter({ hasText: who.user }).click();
}

test('the window opens the profile synced last: the Owner, all its events', async () => {
  await shows(want.owner);
  assert.match(await statusBar().innerText(), /last synced \d{4}-\d\d-\d\d/);
});

test('the profile menu switches to the Workspace Admin: its identity, its role, its events only', async () => {
  await switchTo(want.admin);
  await shows(want.admin);
  // A Workspace Admin reads only workspace and service events.
  const scopes = await until("the admin's rows", async () => {
    const v = await grid().evaluate((g) =>
      [...g.querySelectorAll('[role=row][aria-rowindex]:not([aria-rowindex="1"]):not([aria-busy])')].map(
        (r) => r.querySelectorAll('[role=gridcell]')[2]?.textContent.trim() ?? '',
      ),
    );
    return v.length >= 10 ? v : null;
  });
  for (const s of scopes) assert.match(s, /^(Workspace|Service)$/);
  await page.screenshot({ path: `${artifacts}/profile-switched.png` });
});

test('and back to the Owner', async () => {
  await switchTo(want.owner);
  await shows(want.owner);
});

test('no unexpected page errors', () => {
  assert.deepEqual(pageErrors, []);
});
