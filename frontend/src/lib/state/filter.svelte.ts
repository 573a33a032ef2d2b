import type { audit } from '../api';

export type FilterKey = 'search' | 'scope' | 'category' | 'status';

/** Chip is one active filter as the filter bar shows it. */
export interface Chip {
  key: FilterKey;
  label: string;
}

/**
 * FilterState is what the auditor asked to see. Queries arrive in a later
 * issue; for now the filters only live here. Category belongs to a scope,
 * so it is only settable once a scope is chosen and is reset with it.
 */
export class FilterState {
  search = $state('');
  scope = $state<audit.Scope | ''>('');
  category = $state('');
  status = $state<audit.Status | ''>('');

  categoryEnabled = $derived(this.scope !== '');

  chips: Chip[] = $derived.by(() => {
    const out: Chip[] = [];
    const search = this.search.trim();
    if (search !== '') out.push({ key: 'search', label: `Search: ${search}` });
    if (this.scope !== '') out.push({ key: 'scope', label: `Scope: ${this.scope}` });
    if (this.category !== '') out.push({ key: 'category', label: `Category: ${this.category}` });
    if (this.status !== '') out.push({ key: 'status', label: `Status: ${this.status}` });
    return out;
  });

  active = $derived(this.chips.length > 0);

  setScope(scope: audit.Scope | ''): void {
    if (scope === this.scope) return;
    this.scope = scope;
    // A category of the old scope would silently match nothing.
    this.category = '';
  }

  setCategory(category: string): void {
    this.category = this.scope === '' ? '' : category;
  }

  remove(key: FilterKey): void {
    if (key === 'scope') this.setScope('');
    else if (key === 'category') this.category = '';
    else if (key === 'status') this.status = '';
    else this.search = '';
  }

  clear(): void {
    this.search = '';
    this.setScope('');
    this.status = '';
  }
}

export const filter = new FilterState();
