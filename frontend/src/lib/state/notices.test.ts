import { afterEach, describe, expect, it, vi } from 'vitest';
import { NoticeState, successMs } from './notices.svelte';

afterEach(() => {
  vi.useRealTimers();
});

describe('NoticeState', () => {
  it('lets a success fade by itself but keeps the others', () => {
    vi.useFakeTimers();
    const n = new NoticeState();
    n.show('neutral', 'Sync cancelled');
    n.show('success', 'Synced: 1 new event');
    vi.advanceTimersByTime(successMs - 1);
    expect(n.list).toHaveLength(2);
    vi.advanceTimersByTime(1);
    expect(n.list.map((x) => x.text)).toEqual(['Sync cancelled']);
  });

  it('keeps one of the same text, and at most three', () => {
    const n = new NoticeState();
    for (const t of ['a', 'b', 'a', 'c', 'd']) n.show('info', t);
    expect(n.list.map((x) => x.text)).toEqual(['a', 'c', 'd']);
  });

  it('dismissLast removes the newest, and says whether there was one', () => {
    const n = new NoticeState();
    n.show('info', 'a');
    n.show('info', 'b');
    expect(n.dismissLast()).toBe(true);
    expect(n.list.map((x) => x.text)).toEqual(['a']);
    n.clear();
    expect(n.dismissLast()).toBe(false);
  });

  it('keeps a success with a button until dismissed, with its buttons and code', () => {
    vi.useFakeTimers();
    const n = new NoticeState();
    const run = vi.fn();
    n.show('success', 'Exported 3 rows to a.csv', {
      actions: [{ label: 'Show in folder', run }],
      code: { label: 'SHA-256', value: 'ab12' },
    });
    vi.advanceTimersByTime(successMs * 2);
    expect(n.list).toHaveLength(1);
    expect(n.list[0]).toMatchObject({ code: { label: 'SHA-256', value: 'ab12' } });
    n.list[0].actions?.[0].run();
    expect(run).toHaveBeenCalledTimes(1);
  });
});
