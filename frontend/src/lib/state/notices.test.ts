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
});
