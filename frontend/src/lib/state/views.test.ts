import { audit } from '../api';
import { describe, expect, it } from 'vitest';
import { FilterState } from './filter.svelte';
import { queryRequest } from './query.svelte';
import { filterText } from '../../test-fixtures';
import { applyFilter } from './views.svelte';

describe('applyFilter', () => {
  it('replaces what was there and round-trips through queryRequest', () => {
    const f = new FilterState();
    f.search = 'old';
    f.addAction('Delete Workspace');
    const v = filterText({
      search: 'gpu',
      scope: 'Workspace',
      categories: ['GPU Quota'],
      status: 'FAILED',
      users: ['a@x'],
      workspace: 'ws-1',
      tags: ['finding', 'Q4 sample'],
      from: '2026-01-01T00:00:00Z',
      to: '2026-02-01T00:00:00Z',
    });
    applyFilter(f, v);
    expect(f.preset).toBe('custom');
    expect(queryRequest(f, { field: audit.SortField.Timestamp, desc: true }).filter).toEqual({ ...v, timeZone: '' });
  });

  it('takes a view saved before tags as no tags', () => {
    const f = new FilterState();
    f.setTag('finding');
    const old = filterText({ search: 'x' });
    delete old.tags;
    applyFilter(f, old);
    expect([f.tags, f.chips.map((c) => c.label)]).toEqual([[], ['Search: x']]);
  });

  it('keeps a category without a scope, and Clear all removes it', () => {
    const f = new FilterState();
    applyFilter(f, filterText({ categories: ['Member'] }));
    expect(f.chips.map((c) => c.label)).toEqual(['Category: Member']);
    f.clear();
    expect(f.active).toBe(false);
  });

  it('shows a workspace as a chip by its ID; the chip and Clear all remove it', () => {
    const f = new FilterState();
    applyFilter(f, filterText({ workspace: 'ws-7' }));
    expect(f.chips).toEqual([{ key: 'workspace', label: 'Workspace: ws-7' }]);
    f.remove('workspace');
    expect(f.active).toBe(false);
    f.setWorkspace('ws-7', 'Research (ws-7)');
    expect(f.chips.map((c) => c.label)).toEqual(['Workspace: Research (ws-7)']);
    f.clear();
    expect([f.workspace, f.workspaceName, f.active]).toEqual(['', '', false]);
  });
});
