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
    [{ key: 'z', ctrlKey: true }, 'undo'],
    [{ key: 'z', metaKey: true }, 'undo'],
    [{ key: 'Z', ctrlKey: true, shiftKey: true }, null],
    [{ key: 'z' }, null],
    [{ key: 'Escape' }, 'escape'],
    [{ key: 'r' }, null],
    [{ key: 'r', ctrlKey: true, altKey: true }, null],
    [{ key: 'x', ctrlKey: true }, null],
  ])('%j -> %s', (init, want) => {
    expect(shortcutFor(key(init))).toBe(want);
  });

  it('leaves Ctrl+Z to a text field or a note being typed, not to a select, a radio or the table', () => {
    const text = document.createElement('input');
    const search = Object.assign(document.createElement('input'), { type: 'search' });
    const note = document.createElement('textarea');
    const radio = Object.assign(document.createElement('input'), { type: 'radio' });
    const select = document.createElement('select');
    const grid = document.createElement('div');
    for (const el of [text, search, note]) expect(shortcutFor(key({ key: 'z', ctrlKey: true }, el))).toBeNull();
    for (const el of [radio, select, grid]) expect(shortcutFor(key({ key: 'z', ctrlKey: true }, el))).toBe('undo');
  });

  it('lets "/" through while typing in a field', () => {
    const input = document.createElement('input');
    expect(shortcutFor(key({ key: '/' }, input))).toBeNull();
    expect(shortcutFor(key({ key: 'r', ctrlKey: true }, input))).toBe('refresh');
  });
});
