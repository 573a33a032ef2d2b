import { afterEach, describe, expect, it, vi } from 'vitest';
import * as api from '../api';
import { FilterState } from './filter.svelte';
import { boot } from '../boot';
import { PrefsState } from './prefs.svelte';

const saved: api.Preferences = {
  timeZone: 'Asia/Tokyo',
  theme: api.app.Theme.Dark,
  density: api.app.Density.Compact,
  columns: [{ key: 'user', width: 260, hidden: false }],
  restoreLast: true,
};

afterEach(() => {
  vi.unstubAllGlobals();
  delete document.documentElement.dataset.theme;
});

describe('PrefsState', () => {
  it("starts from Go's boot script: the first query's zone and the first paint's theme need no call", () => {
    vi.stubGlobal('auditdeskBoot', { preferences: saved, os: 'linux' });
    expect(boot()).toEqual({ preferences: saved, os: 'linux' });
    const filter = new FilterState();
    const p = new PrefsState(filter);
    expect(p.current).toEqual(saved);
    expect(p.timeZone).toBe('Asia/Tokyo');
    expect(p.rowHeight).toBe(22);
    expect(filter.zone).toBe('Asia/Tokyo');
    expect(document.documentElement.dataset.theme).toBe('dark');
  });

  it('starts from the defaults without a boot script', () => {
    expect(boot()).toEqual({});
    const p = new PrefsState(new FilterState());
    expect(p.current).toEqual(api.defaultPreferences);
    expect(document.documentElement.dataset.theme).toBeUndefined();
  });
});
