// The profile menu's list and switch, Verify cache, the chain head and the timeline's gaps.
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import App from './App.svelte';
import * as api from './lib/api';
import { filter } from './lib/state/filter.svelte';
import { acme, demo, emptyStatus, fakeCache, queryResult } from './test-fixtures';
import { resetStores } from './test-app';

vi.mock('./lib/api', async (importOriginal) => {
  const { fakeAppApi } = await import('./test-api');
  return fakeAppApi(await importOriginal<typeof import('./lib/api')>(), {
    calls: ['locate', 'preferences', 'profiles', 'switchProfile', 'verifyCache'],
  });
});

const head = 'a3f1c09e5b7d2468aa11bb22cc33dd44ee55ff6600112233445566778899abcd';
const admin: api.Profile = { ...acme, name: 'acme/bob', user: 'bob', role: api.audit.Role.WORKSPACE_ADMIN };
const histogram: api.Bucket[] = [0, 1, 2, 3].map((d) => ({
  start: `2026-03-0${d + 1}T00:00:00Z`,
  end: `2026-03-0${d + 2}T00:00:00Z`,
  count: 10,
}));
const okReport: api.VerifyResult = {
  ok: true,
  events: 1000000,
  records: 5000,
  head,
  altered: 0,
  added: 0,
  removed: 0,
  chainBroken: false,
  problems: [],
  covered: [],
  gaps: [],
};

beforeEach(() => {
  fakeCache({
    status: { ...emptyStatus, profile: acme, events: 1000000, chainHead: head },
    query: (_, id) => queryResult({ id, total: 40, events: 40, histogram }),
  });
  vi.mocked(api.locate).mockReset().mockResolvedValue(-1);
  vi.mocked(api.preferences).mockReset().mockResolvedValue(api.defaultPreferences);
  vi.mocked(api.profiles).mockReset().mockResolvedValue([acme, admin, demo]);
  vi.mocked(api.switchProfile).mockReset();
  vi.mocked(api.verifyCache).mockReset().mockResolvedValue(okReport);
  resetStores();
});

async function openProfileMenu() {
  render(App);
  await fireEvent.click(await screen.findByRole('button', { name: /alice/ }));
  return screen.getByRole('menu', { name: 'Profile' });
}

describe('the profile menu', () => {
  it('lists the profiles with user, organization and role, the current one checked', async () => {
    const menu = await openProfileMenu();
    const items = await within(menu).findAllByRole('menuitemradio');
    expect(items.map((i) => i.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
      '● alice Acme · Owner',
      'bob Acme · Workspace Admin',
      'owner@demo.example Demo Org · Owner · Demo',
    ]);
    expect(items[0]).toHaveAttribute('aria-checked', 'true');
    expect(items[1]).toHaveAttribute('aria-checked', 'false');
  });

  it('lists a case by its name and how many files it holds', async () => {
    const caseOf = (name: string, files: number): api.Profile => ({
      ...acme,
      name,
      apiUrl: '',
      organization: '',
      user: '',
      imported: true,
      files,
    });
    vi.mocked(api.profiles).mockResolvedValue([acme, caseOf('Incident 42', 1), caseOf('Audit 2026', 12)]);
    const menu = await openProfileMenu();
    const items = await within(menu).findAllByRole('menuitemradio');
    expect(items.map((i) => i.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
      '● alice Acme · Owner',
      'Incident 42 Case · 1 file',
      'Audit 2026 Case · 12 files',
    ]);
    expect(items[1]).toHaveAttribute('title', 'Case Incident 42');
  });

  it("drops the trigger's tooltip while open: it covered the first item", async () => {
    await openProfileMenu();
    const open = screen.getByRole('button', { name: /alice/ });
    expect(open).toHaveAttribute('aria-expanded', 'true');
    expect(open).not.toHaveAttribute('title');
    await fireEvent.click(open);
    expect(open).toHaveAttribute('aria-expanded', 'false');
    expect(open).toHaveAttribute('title', expect.stringMatching(/^Profile /));
  });

  it('switches: the status reloads, filters reset and the table is queried for the new profile', async () => {
    const bobStatus = { ...emptyStatus, profile: admin, events: 7 };
    vi.mocked(api.switchProfile).mockResolvedValue(bobStatus);
    const menu = await openProfileMenu();
    await waitFor(() => expect(api.query).toHaveBeenCalled());
    filter.status = api.audit.Status.FAILED;
    vi.mocked(api.status).mockResolvedValue(bobStatus);
    await fireEvent.click(await within(menu).findByRole('menuitemradio', { name: /bob/ }));
    expect(api.switchProfile).toHaveBeenCalledWith('acme/bob');
    const trigger = await screen.findByRole('button', { name: /bob/ });
    expect(trigger).toHaveTextContent('Workspace Admin');
    await waitFor(() => expect(vi.mocked(api.query).mock.calls.at(-1)?.[0].filter.status).toBe(''));
    expect(filter.active).toBe(false);
    expect(api.status).toHaveBeenCalledTimes(2);
  });

  it('puts a refused switch in the banner', async () => {
    vi.mocked(api.switchProfile).mockRejectedValue(new api.ApiError(api.app.ErrorCode.Busy, 'a sync is running'));
    const menu = await openProfileMenu();
    await fireEvent.click(await within(menu).findByRole('menuitemradio', { name: /bob/ }));
    expect(await screen.findByRole('alert')).toHaveTextContent(/a sync is running/i);
    expect(screen.getByRole('button', { name: /alice/ })).toBeInTheDocument();
  });
});

describe('Verify cache', () => {
  it('shows progress, then OK with events, records and head', async () => {
    let finish: (r: api.VerifyResult) => void = () => {};
    vi.mocked(api.verifyCache).mockReturnValue(new Promise((r) => (finish = r)));
    const menu = await openProfileMenu();
    await screen.findByText(/1,000,000 events/);
    await fireEvent.click(within(menu).getByRole('menuitem', { name: 'Verify cache…' }));
    const dialog = screen.getByRole('dialog', { name: 'Verify cache' });
    expect(within(dialog).getByRole('status')).toHaveTextContent('Verifying 1,000,000 events…');
    finish(okReport);
    expect(await within(dialog).findByText('OK')).toBeInTheDocument();
    expect(dialog).toHaveTextContent('5,000');
    expect(dialog).toHaveTextContent(head);
    await fireEvent.click(within(dialog).getByRole('button', { name: 'Close' }));
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('shows the counts and the problem lines when the cache was altered', async () => {
    vi.mocked(api.verifyCache).mockResolvedValue({
      ...okReport,
      ok: false,
      altered: 1,
      removed: 2,
      chainBroken: true,
      problems: ['altered ev-1: hash differs', 'removed ev-2: missing'],
    });
    const menu = await openProfileMenu();
    await fireEvent.click(within(menu).getByRole('menuitem', { name: 'Verify cache…' }));
    const dialog = screen.getByRole('dialog', { name: 'Verify cache' });
    expect(await within(dialog).findByText('Not OK')).toBeInTheDocument();
    const problems = within(dialog).getByRole('list', { name: 'Problems' });
    expect(
      within(problems)
        .getAllByRole('listitem')
        .map((l) => l.textContent),
    ).toEqual(['altered ev-1: hash differs', 'removed ev-2: missing']);
    expect(dialog).toHaveTextContent('broken');
  });

  it('says why it could not run', async () => {
    vi.mocked(api.verifyCache).mockRejectedValue(new Error('store: locked'));
    const menu = await openProfileMenu();
    await fireEvent.click(within(menu).getByRole('menuitem', { name: 'Verify cache…' }));
    expect(await screen.findByText(/could not run: store: locked/)).toBeInTheDocument();
  });
});

describe('evidence in the window', () => {
  it('shows the chain head short, the whole in its title, with a copy button', async () => {
    render(App);
    const bar = screen.getByRole('status', { name: 'Cache status' });
    const code = await within(bar).findByText(head.slice(0, 12));
    expect(code).toHaveAttribute('title', `Hash-chain head: ${head}`);
    expect(within(bar).getByRole('button', { name: 'Copy chain head' })).toBeInTheDocument();
  });

  /** gapOnTimeline renders a cache with one gap, 2026-03-02 to 03, and returns its rect. */
  async function gapOnTimeline(pastRetention: boolean): Promise<Element> {
    vi.mocked(api.status).mockResolvedValue({
      ...emptyStatus,
      profile: acme,
      events: 40,
      gaps: [{ start: '2026-03-02T00:00:00Z', end: '2026-03-03T00:00:00Z', pastRetention }],
    });
    const { container } = render(App);
    await waitFor(() => expect(container.querySelectorAll('rect.gap')).toHaveLength(1));
    return container.querySelector('rect.gap')!;
  }

  it('hatches the gaps on the timeline with a tooltip', async () => {
    const gap = await gapOnTimeline(false);
    expect(gap.getAttribute('x')).toBe('250');
    expect(gap.getAttribute('width')).toBe('250');
    expect(gap.querySelector('title')?.textContent).toMatch(
      /^Events may be missing from .*: no sync has finished this period yet; a Refresh can fill it$/,
    );
    // Said in words where it is drawn, not only in the tooltip.
    expect(document.querySelector('.timeline .gap-key')?.textContent).toBe(
      'Hatched: not synced, events there may be missing',
    );
  });

  it("says a gap past the platform's 12 months cannot be filled", async () => {
    const gap = await gapOnTimeline(true);
    expect(gap.querySelector('title')?.textContent).toMatch(
      /^Events may be missing from .*: no sync read this period while the platform kept it \(it keeps 12 months\), and none can now$/,
    );
  });
});
