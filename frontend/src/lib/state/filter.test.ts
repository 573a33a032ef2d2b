import { beforeEach, describe, expect, it } from 'vitest';
import { audit } from '../api';
import { FilterState } from './filter.svelte';

describe('FilterState', () => {
  let f: FilterState;
  beforeEach(() => {
    f = new FilterState();
  });

  it('starts with no filters, no chips and category disabled', () => {
    expect(f.active).toBe(false);
    expect(f.chips).toEqual([]);
    expect(f.categoryEnabled).toBe(false);
  });

  it('enables category only once a scope is chosen', () => {
    f.setCategory('Billing Plan');
    expect(f.category).toBe('');
    f.setScope(audit.Scope.Billing);
    expect(f.categoryEnabled).toBe(true);
    f.setCategory('Billing Plan');
    expect(f.category).toBe('Billing Plan');
  });

  it('resets category when the scope changes or is cleared', () => {
    f.setScope(audit.Scope.Billing);
    f.setCategory('Billing Plan');
    f.setScope(audit.Scope.Workspace);
    expect(f.category).toBe('');

    f.setCategory('Members');
    f.setScope('');
    expect(f.category).toBe('');
    expect(f.categoryEnabled).toBe(false);
  });

  it('keeps category when the same scope is chosen again', () => {
    f.setScope(audit.Scope.Billing);
    f.setCategory('Billing Plan');
    f.setScope(audit.Scope.Billing);
    expect(f.category).toBe('Billing Plan');
  });

  it('derives one chip per active filter, in bar order', () => {
    f.search = '  alice  ';
    f.setScope(audit.Scope.Billing);
    f.setCategory('Billing Plan');
    f.status = audit.Status.FAILED;
    expect(f.chips).toEqual([
      { key: 'search', label: 'Search: alice' },
      { key: 'scope', label: 'Scope: Billing' },
      { key: 'category', label: 'Category: Billing Plan' },
      { key: 'status', label: 'Status: FAILED' },
    ]);
    expect(f.active).toBe(true);
  });

  it('does not count a blank search as a filter', () => {
    f.search = '   ';
    expect(f.active).toBe(false);
  });

  it('removing the scope chip also removes its category', () => {
    f.setScope(audit.Scope.Billing);
    f.setCategory('Billing Plan');
    f.status = audit.Status.SUCCESS;
    f.remove('scope');
    expect(f.chips.map((c) => c.key)).toEqual(['status']);
  });

  it('clear removes every filter', () => {
    f.search = 'bob';
    f.setScope(audit.Scope.Service);
    f.setCategory('API Keys');
    f.status = audit.Status.SUCCESS;
    f.clear();
    expect([f.search, f.scope, f.category, f.status]).toEqual(['', '', '', '']);
    expect(f.active).toBe(false);
  });

  it('holds users and actions as chips, each removed by its own ×, without duplicates', () => {
    f.addUser('alice');
    f.addUser('bob');
    f.addUser('alice');
    f.addAction('Start Notebook');
    expect(f.users).toEqual(['alice', 'bob']);
    expect(f.chips.map((c) => c.label)).toEqual(['User: alice', 'User: bob', 'Action: Start Notebook']);
    f.remove('user:alice');
    f.remove('action:Start Notebook');
    expect(f.users).toEqual(['bob']);
    expect(f.actions).toEqual([]);
  });

  it('starts a preset at now, names it in its chip, and clears it', () => {
    f.setPreset('7d', Date.parse('2026-03-10T12:00:00Z'));
    expect([f.from, f.to]).toEqual(['2026-03-03T12:00:00.000Z', '']);
    expect(f.chips).toEqual([{ key: 'time', label: 'Time: last 7 days' }]);
    f.remove('time');
    expect([f.preset, f.from, f.to]).toEqual(['all', '', '']);
    expect(f.active).toBe(false);
  });

  it('shows a custom range in the zone of the preferences', () => {
    f.zone = 'Asia/Tokyo';
    f.setRange('2026-03-01T00:00:00Z', '2026-03-02T00:00:00Z');
    expect(f.preset).toBe('custom');
    expect(f.chips[0].label).toBe('Time: 2026-03-01 09:00 – 2026-03-02 09:00');
  });

  it('filters by a cell: user, action and target add, status sets, the search stays', () => {
    f.search = 'notebook';
    f.filterBy('user', 'alice');
    f.filterBy('action', 'Stop');
    f.filterBy('status', 'FAILED');
    f.filterBy('target', 'nb-1');
    f.filterBy('target', 'nb-1');
    f.filterBy('user', '');
    expect([f.users, f.actions, f.status, f.targets, f.search]).toEqual([
      ['alice'],
      ['Stop'],
      'FAILED',
      ['nb-1'],
      'notebook',
    ]);
    expect(f.chips.map((c) => c.label)).toContain('Target: nb-1');
    f.remove('target:nb-1');
    expect(f.targets).toEqual([]);
    f.addTarget('nb-2');
    f.clear();
    expect(f.targets).toEqual([]);
  });

  it('tags: the select sets one, a tag in the table adds one, each a chip with ×', () => {
    f.setTag('finding');
    expect(f.chips).toEqual([{ key: 'tag:finding', label: 'Tag: finding' }]);
    f.filterBy('tags', 'Q4 sample');
    f.filterBy('tags', 'finding');
    expect(f.tags).toEqual(['finding', 'Q4 sample']);
    f.remove('tag:finding');
    expect(f.tags).toEqual(['Q4 sample']);
    f.setTag('');
    expect([f.tags, f.active]).toEqual([[], false]);
    f.addTag('reviewed');
    f.clear();
    expect(f.tags).toEqual([]);
  });

  it('Clear all clears users, actions and the time range too', () => {
    f.addUser('alice');
    f.addAction('Stop');
    f.setPreset('24h');
    f.clear();
    expect([f.users, f.actions, f.from, f.preset, f.active]).toEqual([[], [], '', 'all', false]);
  });
});
