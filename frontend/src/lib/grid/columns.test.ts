import { describe, expect, it } from 'vitest';
import { audit } from '../api';
import { columns, gridTemplate, isHidden, shownColumns, tagsKey, templateOf, withColumn } from './columns';

describe('shownColumns and templateOf', () => {
  it('are the defaults when nothing is saved: the console columns, not Event ID and Source IP', () => {
    expect(shownColumns([]).map((c) => c.key)).toEqual(
      columns.filter((c) => c.hidden !== true && c.key !== tagsKey).map((c) => c.key),
    );
    expect(shownColumns([]).map((c) => c.key)).not.toContain('source_ip');
    expect(templateOf(shownColumns([]))).toBe(gridTemplate);
  });

  it('show Tags after Status by default only while the profile has marks; once saved, as saved', () => {
    expect(shownColumns([]).map((c) => c.key)).not.toContain(tagsKey);
    const marked: string[] = shownColumns([], true).map((c) => c.key);
    expect(marked.slice(marked.indexOf('status'), marked.indexOf('status') + 2)).toEqual(['status', tagsKey]);
    const tags = columns.find((c) => c.key === tagsKey)!;
    expect(isHidden(tags, [{ key: tagsKey, hidden: true }], true)).toBe(true);
    expect(isHidden(tags, [{ key: tagsKey, width: 90 }], false)).toBe(false);
  });

  it('show Event ID and Source IP once saved as shown (Go leaves out a false hidden)', () => {
    const shown = shownColumns([{ key: 'source_ip', width: 0, hidden: false }, { key: 'id' }]);
    expect(shown.map((c) => c.key).slice(-2)).toEqual(['id', 'source_ip']);
  });

  it('drop hidden columns but never Timestamp, and use saved widths (at least the minimum)', () => {
    const shown = shownColumns([
      { key: 'timestamp', width: 0, hidden: true },
      { key: 'user', width: 20, hidden: false },
      { key: 'scope', width: 0, hidden: true },
      { key: 'nonsense', width: 99, hidden: false },
    ]);
    expect(shown.map((c) => c.key)).toEqual([
      'timestamp',
      'user',
      'category',
      'action',
      'target',
      'status',
      'description',
      'workspace',
    ]);
    expect(templateOf(shown).split(' ').slice(0, 2)).toEqual(['160px', '60px']);
  });
});

describe('withColumn', () => {
  it('gives every column once, changing only the one named, with Go-safe widths', () => {
    const out = withColumn([{ key: 'user', width: 200, hidden: false }], audit.SortField.Action, { width: 5000.4 });
    // Tags, never saved nor changed, is left to follow the marks.
    expect(out).toHaveLength(columns.length - 1);
    expect(out.find((c) => c.key === tagsKey)).toBeUndefined();
    expect(out.find((c) => c.key === 'user')).toEqual({ key: 'user', width: 200, hidden: false });
    expect(out.find((c) => c.key === 'action')).toEqual({ key: 'action', width: 2000, hidden: false });
    expect(out.find((c) => c.key === 'scope')).toEqual({ key: 'scope', width: 0, hidden: false });
    expect(out.find((c) => c.key === 'source_ip')).toEqual({ key: 'source_ip', width: 0, hidden: true });
  });

  it('writes Tags once it is changed, and keeps it once saved', () => {
    const hidden = withColumn([], tagsKey, { hidden: true });
    expect(hidden.find((c) => c.key === tagsKey)).toEqual({ key: tagsKey, width: 0, hidden: true });
    expect(withColumn(hidden, audit.SortField.User, { width: 150 }).find((c) => c.key === tagsKey)).toEqual({
      key: tagsKey,
      width: 0,
      hidden: true,
    });
    expect(withColumn([], tagsKey, { width: 140 }).find((c) => c.key === tagsKey)).toEqual({
      key: tagsKey,
      width: 140,
      hidden: false,
    });
  });

  it('will not hide Timestamp', () => {
    expect(withColumn([], audit.SortField.Timestamp, { hidden: true })[0]).toEqual({
      key: 'timestamp',
      width: 0,
      hidden: false,
    });
  });
});
