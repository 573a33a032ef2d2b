import { describe, expect, it } from 'vitest';
import { shortcutFor } from './shortcuts';

function key(init: KeyboardEventInit, target?: HTMLElement): KeyboardEvent {
  const e = new KeyboardEvent('keydown', { bubbles: true, ...init });
  if (target) Object.defineProperty(e, 'target', { value: target });
  return e;
}

describe('shortcutFor', () => {
  it.each([
    [{ key: '/' }, 'focusSearch'],
    [{ key: 'f', ctrlKey: true }, 'focusSearch'],
    [{ key: 'F', ctrlKey: true, shiftKey: true }, 'focusSearch'],
    [{ key: 'r', ctrlKey: true }, 'refresh'],
    [{ key: 'r', metaKey: true }, 'refresh'],
    [{ key: 'e', ctrlKey: true }, 'export'],
    [{ key: 'g', ctrlKey: true }, 'groupBy'],
    [{ key: 'g' }, null],
    [{ key: 'Escape' }, 'escape'],
    [{ key: 'r' }, null],
    [{ key: 'r', ctrlKey: true, altKey: true }, null],
    [{ key: 'x', ctrlKey: true }, null],
  ])('%j -> %s', (init, want) => {
    expect(shortcutFor(key(init))).toBe(want);
  });

  it('lets "/" through while typing in a field', () => {
    const input = document.createElement('input');
    expect(shortcutFor(key({ key: '/' }, input))).toBeNull();
    expect(shortcutFor(key({ key: 'r', ctrlKey: true }, input))).toBe('refresh');
  });
});
