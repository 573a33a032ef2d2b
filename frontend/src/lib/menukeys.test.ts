import { afterEach, describe, expect, it, vi } from 'vitest';
import { menuKey, triggerKey } from './menukeys';

function menu(n: number): HTMLElement[] {
  return Array.from({ length: n }, (_, i) => {
    const b = document.createElement('button');
    b.textContent = `item ${i}`;
    document.body.append(b);
    return b;
  });
}

const key = (k: string) => new KeyboardEvent('keydown', { key: k, cancelable: true });

describe('menuKey', () => {
  afterEach(() => document.body.replaceChildren());

  it('moves with arrows (wrapping), Home and End', () => {
    const items = menu(3);
    items[0].focus();
    const hide = vi.fn();
    for (const [k, want] of [
      ['ArrowDown', 1],
      ['ArrowDown', 2],
      ['ArrowDown', 0],
      ['ArrowUp', 2],
      ['Home', 0],
      ['End', 2],
    ] as const) {
      const e = key(k);
      expect(menuKey(e, items, hide)).toBe(true);
      expect(e.defaultPrevented).toBe(true);
      expect(document.activeElement).toBe(items[want]);
    }
    expect(hide).not.toHaveBeenCalled();
  });

  it('closes on Esc giving the focus back, on Tab letting it move, and ignores other keys', () => {
    const items = menu(2);
    const hide = vi.fn();
    const esc = key('Escape');
    menuKey(esc, items, hide);
    expect(hide).toHaveBeenLastCalledWith(true);
    const tab = key('Tab');
    menuKey(tab, items, hide);
    expect(hide).toHaveBeenLastCalledWith(false);
    expect(tab.defaultPrevented).toBe(false);
    const a = key('a');
    expect(menuKey(a, items, hide)).toBe(false);
    expect(a.defaultPrevented).toBe(false);
  });

  it('opens from the trigger on the arrows only', () => {
    const show = vi.fn();
    triggerKey(key('ArrowUp'), show);
    triggerKey(key('Enter'), show);
    expect(show.mock.calls).toEqual([['last']]);
  });
});
