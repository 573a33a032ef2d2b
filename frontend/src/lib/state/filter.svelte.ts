import type { audit } from '../api';
import { calendar, formatInstant, presetRange, presets, type Preset } from '../timerange';

/** FilterKey names a single-valued filter; a user, action, target or tag chip's key is "user:", "action:", "target:" or "tag:" and the value. */
export type FilterKey = 'search' | 'scope' | 'category' | 'status' | 'workspace' | 'time';

/** Chip is one active filter as the filter bar shows it. */
export interface Chip {
  key: string;
  label: string;
}

/**
 * FilterState is what the auditor asked to see. Category belongs to a
 * scope, so it is only settable once a scope is chosen and is reset with
 * it. Users, actions, targets and tags are "any of"; the time range is from (inclusive)
 * to (exclusive), RFC 3339, "" open.
 */
export class FilterState {
  search = $state('');
  scope = $state<audit.Scope | ''>('');
  category = $state('');
  status = $state<audit.Status | ''>('');
  users = $state<string[]>([]);
  actions = $state<string[]>([]);
  /** Targets, each the whole of one: a click on a target in the table adds it. */
  targets = $state<string[]>([]);
  /** A workspace's ID (the group-by panel sets it; the bar has no control for it), and its name for the chip. */
  workspace = $state('');
  workspaceName = $state('');
  /** The auditor's own tags (marks), any of: the Tag select sets one, a tag in the table adds it. */
  tags = $state<string[]>([]);
  preset = $state<Preset>('all');
  from = $state('');
  to = $state('');
  /** The zone custom ranges are shown in: the preferences' (set by PrefsState). */
  zone = $state('UTC');

  categoryEnabled = $derived(this.scope !== '');

  chips: Chip[] = $derived.by(() => {
    const out: Chip[] = [];
    const search = this.search.trim();
    if (search !== '') out.push({ key: 'search', label: `Search: ${search}` });
    if (this.scope !== '') out.push({ key: 'scope', label: `Scope: ${this.scope}` });
    if (this.category !== '') out.push({ key: 'category', label: `Category: ${this.category}` });
    if (this.status !== '') out.push({ key: 'status', label: `Status: ${this.status}` });
    for (const u of this.users) out.push({ key: `user:${u}`, label: `User: ${u}` });
    for (const a of this.actions) out.push({ key: `action:${a}`, label: `Action: ${a}` });
    for (const t of this.targets) out.push({ key: `target:${t}`, label: `Target: ${t}` });
    if (this.workspace !== '')
      out.push({ key: 'workspace', label: `Workspace: ${this.workspaceName || this.workspace}` });
    for (const t of this.tags) out.push({ key: `tag:${t}`, label: `Tag: ${t}` });
    const time = this.timeLabel;
    if (time !== '') out.push({ key: 'time', label: `Time: ${time}` });
    return out;
  });

  active = $derived(this.chips.length > 0);

  /** timeLabel says the range in words: a preset's name, or its ends in the zone. */
  private get timeLabel(): string {
    if (this.from === '' && this.to === '') return '';
    if (this.preset !== 'custom' && this.preset !== 'all') {
      const name = presets.find((p) => p.value === this.preset)?.label.toLowerCase() ?? '';
      if (!calendar(this.preset)) return name;
      // Whole months: their dates say which.
      const day = (iso: string) => formatInstant(iso, this.zone).slice(0, 10);
      return `${name}, ${day(this.from)} – ${day(this.to)}`;
    }
    const from = this.from === '' ? '…' : formatInstant(this.from, this.zone);
    const to = this.to === '' ? '…' : formatInstant(this.to, this.zone);
    return `${from} – ${to}`;
  }

  setScope(scope: audit.Scope | ''): void {
    if (scope === this.scope) return;
    this.scope = scope;
    // A category of the old scope would silently match nothing.
    this.category = '';
  }

  setCategory(category: string): void {
    this.category = this.scope === '' ? '' : category;
  }

  addUser(u: string): void {
    if (u !== '' && !this.users.includes(u)) this.users = [...this.users, u];
  }

  addAction(a: string): void {
    if (a !== '' && !this.actions.includes(a)) this.actions = [...this.actions, a];
  }

  addTarget(t: string): void {
    if (t !== '' && !this.targets.includes(t)) this.targets = [...this.targets, t];
  }

  addTag(t: string): void {
    if (t !== '' && !this.tags.includes(t)) this.tags = [...this.tags, t];
  }

  /** setTag is the Tag select: that one tag, or none for ''. */
  setTag(t: string): void {
    this.tags = t === '' ? [] : [t];
  }

  /** filterBy serves a click on a cell's value: user, action, target and tag add to their lists, beside the search. */
  filterBy(key: string, value: string): void {
    if (value === '') return;
    if (key === 'user') this.addUser(value);
    else if (key === 'action') this.addAction(value);
    else if (key === 'status') this.status = value as audit.Status;
    else if (key === 'target') this.addTarget(value);
    else if (key === 'tags') this.addTag(value);
  }

  /** setWorkspace filters by a workspace's ID; name is what its chip says ('' says the ID). */
  setWorkspace(id: string, name = ''): void {
    this.workspace = id;
    this.workspaceName = id === '' ? '' : name;
  }

  /** setPreset takes a preset at now, in the zone; custom keeps the range there is, for the two inputs to change. */
  setPreset(p: Preset, now: number = Date.now()): void {
    this.preset = p;
    if (p === 'custom') return;
    ({ from: this.from, to: this.to } = presetRange(p, now, this.zone));
  }

  /** setRange is a custom range (the timeline's drag, the two inputs). */
  setRange(from: string, to: string): void {
    this.preset = from === '' && to === '' ? 'all' : 'custom';
    this.from = from;
    this.to = to;
  }

  remove(key: string): void {
    if (key === 'scope') this.setScope('');
    else if (key === 'category') this.category = '';
    else if (key === 'status') this.status = '';
    else if (key === 'workspace') this.setWorkspace('');
    else if (key === 'time') this.setRange('', '');
    else if (key.startsWith('user:')) this.users = this.users.filter((u) => `user:${u}` !== key);
    else if (key.startsWith('action:')) this.actions = this.actions.filter((a) => `action:${a}` !== key);
    else if (key.startsWith('target:')) this.targets = this.targets.filter((t) => `target:${t}` !== key);
    else if (key.startsWith('tag:')) this.tags = this.tags.filter((t) => `tag:${t}` !== key);
    else this.search = '';
  }

  clear(): void {
    this.search = '';
    this.setScope('');
    // A view may have set a category with no scope, which setScope('') keeps.
    this.category = '';
    this.status = '';
    this.users = [];
    this.actions = [];
    this.targets = [];
    this.setWorkspace('');
    this.tags = [];
    this.setRange('', '');
  }
}

export const filter = new FilterState();
