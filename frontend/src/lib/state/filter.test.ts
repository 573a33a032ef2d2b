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
});
