import * as api from '../api';
import type { FilterState } from './filter.svelte';

/** GroupBySpec is one group-by: one or two fields, and how many groups it lists (0: all). */
export interface GroupBySpec {
  by: api.GroupField[];
  top: number;
}

/** The Top N choices; 0 is all (Go lists at most 1,000 and sums the rest). */
export const topChoices: readonly number[] = [10, 20, 50, 0];

/** fieldLabels name the fields as the table's headers do. */
export const fieldLabels: Record<api.GroupField, string> = {
  user: 'User',
  action: 'Action',
  scope: 'Scope',
  category: 'Category',
  status: 'Status',
  target: 'Target',
  workspace: 'Workspace',
  day: 'Day',
  week: 'Week',
  month: 'Month',
};

/** timeField tells whether f groups by a stretch of time (its keys bound From and To). */
export const timeField = (f: string): boolean => f === 'day' || f === 'week' || f === 'month';

/** specLabel says a group-by in words: "User × Status, top 10". */
export function specLabel(s: GroupBySpec): string {
  const fields = s.by.map((f) => fieldLabels[f]).join(' × ');
  return `${fields}, ${s.top === 0 ? 'all' : `top ${s.top}`}`;
}

const specKey = (s: GroupBySpec): string => JSON.stringify([s.by, s.top]);

/**
 * GroupByState is the group-by panel: whether it shows, what it groups by,
 * and the group-bys the auditor pinned (a report will give each its sheet).
 */
export class GroupByState {
  open = $state(false);
  first = $state<api.GroupField>(api.GroupField.User);
  /** The second field, '' for none. */
  second = $state<api.GroupField | ''>('');
  top = $state(10);
  pinned = $state.raw<GroupBySpec[]>([]);

  spec: GroupBySpec = $derived({
    by: this.second === '' || this.second === this.first ? [this.first] : [this.first, this.second],
    top: this.top,
  });

  isPinned = $derived(this.pinned.some((p) => specKey(p) === specKey(this.spec)));

  toggle(): void {
    this.open = !this.open;
  }

  close(): void {
    this.open = false;
  }

  /** setFirst groups by f first; a second field that is f is dropped. */
  setFirst(f: api.GroupField): void {
    this.first = f;
    if (this.second === f) this.second = '';
  }

  /** show groups by a spec (a pinned one) in the panel, opening it. */
  show(s: GroupBySpec): void {
    this.first = s.by[0];
    this.second = s.by[1] ?? '';
    this.top = s.top;
    this.open = true;
  }

  /** togglePin pins the group-by shown, or unpins it when it is pinned. */
  togglePin(): void {
    const key = specKey(this.spec);
    if (this.isPinned) this.pinned = this.pinned.filter((p) => specKey(p) !== key);
    else this.pinned = [...this.pinned, { by: [...this.spec.by], top: this.spec.top }];
  }

  unpin(s: GroupBySpec): void {
    const key = specKey(s);
    this.pinned = this.pinned.filter((p) => specKey(p) !== key);
  }
}

export const groupBy = new GroupByState();

/** filterable tells whether a group's key can be filtered by: no filter selects an empty value or no workspace. */
export function filterable(f: api.GroupField, k: api.GroupKey): boolean {
  return timeField(f) ? k.from !== '' && k.to !== '' : k.value !== '';
}

/** later and earlier pick the later or earlier of two RFC 3339 ends, '' being open. */
function later(a: string, b: string): string {
  if (a === '' || b === '') return a || b;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

function earlier(a: string, b: string): string {
  if (a === '' || b === '') return a || b;
  return Date.parse(a) <= Date.parse(b) ? a : b;
}

/**
 * filterByGroup narrows the filters to the events of a group: to each of
 * its keys (a row's Enter, a click on its count), or to the one at `only`
 * (a click on that value). The group was counted in the current filters,
 * so each key narrows them: a user, action or target becomes the only
 * one; a day, week or month is cut to the time range already set. A
 * category needs its scope: the group's own when it is grouped by scope
 * too, else the one chosen, else the only known scope holding that
 * category; a category several scopes hold stands alone, as in the
 * "Member changes" view, so the table still counts the whole group.
 */
export function filterByGroup(
  f: FilterState,
  by: readonly api.GroupField[],
  keys: readonly api.GroupKey[],
  scopes: readonly api.ScopeCategories[],
  only: number | null = null,
): void {
  const picked = by.map((field, i) => ({ field, key: keys[i] })).filter((_, i) => only === null || i === only);
  const scopeKey = picked.find((p) => p.field === 'scope' && filterable(p.field, p.key));
  for (const { field, key } of picked) {
    if (!filterable(field, key)) continue;
    const v = key.value;
    switch (field) {
      case 'user':
        f.users = [v];
        break;
      case 'action':
        f.actions = [v];
        break;
      case 'target':
        f.targets = [v];
        break;
      case 'status':
        f.status = v as api.audit.Status;
        break;
      case 'workspace':
        f.setWorkspace(v, key.label);
        break;
      case 'scope':
        // A category already chosen (possibly with no scope) stays: the group is within it.
        if (f.category === '') f.setScope(v as api.audit.Scope);
        else f.scope = v as api.audit.Scope;
        break;
      case 'category': {
        if (scopeKey === undefined && f.scope === '') {
          const holders = scopes.filter((s) => s.categories.includes(v));
          if (holders.length === 1) f.setScope(holders[0].scope);
        }
        f.category = v;
        break;
      }
      default:
        f.setRange(later(f.from, key.from), earlier(f.to, key.to));
    }
  }
}
