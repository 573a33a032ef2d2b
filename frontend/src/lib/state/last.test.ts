import { flushSync } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import { filterText } from '../../test-fixtures';
import { ErrorState } from './errors.svelte';
import { FilterState } from './filter.svelte';
import { LastState, lastSaveDelayMs } from './last.svelte';
import { PrefsState } from './prefs.svelte';
import { QueryState } from './query.svelte';
import { SessionState } from './status.svelte';
import { SyncState } from './sync.svelte';
import { ViewsState } from './views.svelte';

vi.mock('../api', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../api')>()),
  setLast: vi.fn(),
  saveView: vi.fn(),
}));

const { audit } = api;
const now = Date.parse('2026-12-07T12:00:00Z');

function setup(p: Partial<api.Preferences>) {
  const errors = new ErrorState();
  const filter = new FilterState();
  const prefs = new PrefsState(filter, { ...api.defaultPreferences, ...p });
  const session = new SessionState(errors);
  const query = new QueryState(filter, session, new SyncState(session, errors), errors, prefs);
  const views = new ViewsState(filter, query, prefs, errors);
  return { filter, prefs, query, views, last: new LastState(filter, query, views, prefs, errors) };
}

let stop: (() => void) | undefined;
beforeEach(() => {
  vi.useFakeTimers();
  vi.mocked(api.setLast).mockReset().mockResolvedValue(undefined);
});
afterEach(() => {
  stop?.();
  stop = undefined;
  vi.useRealTimers();
});

describe('LastState', () => {
  it('puts the last filters, sort and view back, a relative range taken from now', () => {
    const w = setup({
      last: {
        filter: filterText({ status: 'FAILED', users: ['a@x'], from: '2020-01-01T00:00:00Z' }),
        preset: '7d',
        sort: audit.SortField.User,
        desc: true,
        view: 'Failed logins',
      },
    });
    w.last.restore(now);
    expect(w.filter.status).toBe('FAILED');
    expect(w.filter.users).toEqual(['a@x']);
    expect(w.filter.preset).toBe('7d');
    expect(w.filter.from).toBe('2026-11-30T12:00:00.000Z');
    expect(w.query.sort).toEqual({ field: audit.SortField.User, desc: true });
    expect(w.views.applied).toBe('Failed logins');
    expect(w.views.changed).toBe(false);
  });

  it('restores nothing when the setting is off', () => {
    const w = setup({
      restoreLast: false,
      last: { filter: filterText({ status: 'FAILED' }), sort: audit.SortField.User },
    });
    w.last.restore(now);
    expect(w.filter.active).toBe(false);
    expect(w.query.sort.field).toBe(audit.SortField.Timestamp);
  });

  it('saves the view shown once the filters rest, and not what it restored', async () => {
    const w = setup({ last: { filter: filterText({ scope: 'Billing' }) } });
    w.last.restore(now);
    w.last.start();
    stop = () => w.last.stop();
    flushSync();
    await vi.advanceTimersByTimeAsync(lastSaveDelayMs * 2);
    expect(api.setLast).not.toHaveBeenCalled();
    w.filter.status = audit.Status.FAILED;
    flushSync();
    w.filter.search = 'gpu ';
    flushSync();
    await vi.advanceTimersByTimeAsync(lastSaveDelayMs - 1);
    expect(api.setLast).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(api.setLast).toHaveBeenCalledTimes(1);
    const saved = vi.mocked(api.setLast).mock.calls[0][0];
    expect(saved.filter).toMatchObject({ scope: 'Billing', status: 'FAILED', search: 'gpu' });
    expect(saved.sort).toBe(audit.SortField.Timestamp);
  });

  it('saves a change still waiting at once when the page goes', async () => {
    const w = setup({});
    w.last.restore(now);
    w.last.start();
    stop = () => w.last.stop();
    w.filter.status = audit.Status.FAILED;
    flushSync();
    expect(api.setLast).not.toHaveBeenCalled();
    window.dispatchEvent(new Event('pagehide'));
    expect(api.setLast).toHaveBeenCalledTimes(1);
    expect(vi.mocked(api.setLast).mock.calls[0][0].filter).toMatchObject({ status: 'FAILED' });
    await vi.advanceTimersByTimeAsync(lastSaveDelayMs * 2);
    expect(api.setLast).toHaveBeenCalledTimes(1);
  });

  it('saves nothing at a launch with nothing to restore, until the view changes', async () => {
    const w = setup({});
    w.last.restore(now);
    w.last.start();
    stop = () => w.last.stop();
    flushSync();
    await vi.advanceTimersByTimeAsync(lastSaveDelayMs * 2);
    expect(api.setLast).not.toHaveBeenCalled();
    w.filter.status = audit.Status.FAILED;
    flushSync();
    await vi.advanceTimersByTimeAsync(lastSaveDelayMs);
    expect(api.setLast).toHaveBeenCalledTimes(1);
  });

  it('saves the view shown when the setting is turned on again, though the view did not change', async () => {
    const w = setup({ last: { filter: filterText({ scope: 'Billing' }) } });
    w.last.restore(now);
    w.last.start();
    stop = () => w.last.stop();
    w.prefs.current = { ...w.prefs.current, restoreLast: false, last: undefined };
    flushSync();
    await vi.advanceTimersByTimeAsync(lastSaveDelayMs * 2);
    expect(api.setLast).not.toHaveBeenCalled();
    w.prefs.current = { ...w.prefs.current, restoreLast: true };
    flushSync();
    await vi.advanceTimersByTimeAsync(lastSaveDelayMs);
    expect(api.setLast).toHaveBeenCalledTimes(1);
    expect(vi.mocked(api.setLast).mock.calls[0][0].filter).toMatchObject({ scope: 'Billing' });
  });

  it('names the applied view while it is unchanged; the toolbar marks it changed after', async () => {
    const w = setup({});
    vi.mocked(api.saveView).mockResolvedValue([]);
    w.filter.status = audit.Status.FAILED;
    await w.views.save('Failures');
    expect(w.views.applied).toBe('Failures');
    expect(w.views.changed).toBe(false);
    w.last.start();
    stop = () => w.last.stop();
    w.filter.scope = audit.Scope.Billing;
    flushSync();
    expect(w.views.changed).toBe(true);
    await vi.advanceTimersByTimeAsync(lastSaveDelayMs);
    expect(vi.mocked(api.setLast).mock.calls.at(-1)?.[0].view).toBe('');
    w.filter.scope = '';
    flushSync();
    expect(w.views.changed).toBe(false);
    await vi.advanceTimersByTimeAsync(lastSaveDelayMs);
    expect(vi.mocked(api.setLast).mock.calls.at(-1)?.[0].view).toBe('Failures');
  });
});
