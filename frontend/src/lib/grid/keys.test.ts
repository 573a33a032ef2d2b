import { describe, expect, it } from 'vitest';
import { gridKey } from './keys';

describe('gridKey', () => {
  it.each([
    { key: 'ArrowDown', sel: 4, want: { kind: 'select', row: 5 } },
    { key: 'ArrowUp', sel: 4, want: { kind: 'select', row: 3 } },
    { key: 'ArrowUp', sel: 0, want: { kind: 'select', row: 0 } },
    { key: 'ArrowDown', sel: 99, want: { kind: 'select', row: 99 } },
    { key: 'ArrowDown', sel: null, want: { kind: 'select', row: 10 } },
    { key: 'PageDown', sel: 4, want: { kind: 'select', row: 24 } },
    { key: 'PageUp', sel: 15, want: { kind: 'select', row: 0 } },
    { key: 'Home', sel: 50, want: { kind: 'select', row: 0 } },
    { key: 'End', sel: 50, want: { kind: 'select', row: 99 } },
    { key: 'Enter', sel: 50, want: { kind: 'open' } },
    { key: 'Enter', sel: null, want: null },
    { key: 'a', sel: 3, want: null },
  ])('$key from $sel', ({ key, sel, want }) => {
    expect(gridKey(key, sel, 10, 20, 100)).toEqual(want);
  });

  it('does nothing in an empty result', () => {
    expect(gridKey('ArrowDown', null, 0, 20, 0)).toBeNull();
  });
});
