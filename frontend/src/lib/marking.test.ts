import { describe, expect, it } from 'vitest';
import { markedText, tagLabel, undoneText, willMarkText } from './marking';

const res = { tag: 'finding', unmark: false, events: 3, added: 3, changed: 0, removed: 0 };

describe('markedText', () => {
  it('says how many events it marked or unmarked, and with which tag', () => {
    expect(markedText(res)).toBe('Marked 3 events finding');
    expect(markedText({ ...res, events: 1, added: 0, changed: 1 })).toBe('Marked 1 event finding');
    expect(markedText({ ...res, tag: 'reviewed', unmark: true, events: 1, added: 0, removed: 1 })).toBe(
      'Unmarked 1 event reviewed',
    );
  });

  it('says when some or all were marked already, or none had the tag', () => {
    expect(markedText({ ...res, events: 12345, added: 345 })).toBe('Marked 345 events finding (12,000 already were)');
    expect(markedText({ ...res, added: 0 })).toBe('The 3 events were already marked finding');
    expect(markedText({ ...res, events: 1, added: 0 })).toBe('The event was already marked finding');
    expect(markedText({ ...res, unmark: true, events: 1, added: 0 })).toBe('The event had no tag finding');
    expect(markedText({ ...res, unmark: true, events: 40, added: 0 })).toBe(
      'None of the 40 events had the tag finding',
    );
  });
});

describe('undoneText', () => {
  it('says what the undo took back', () => {
    expect(undoneText(res)).toBe('Undid: marked 3 events finding');
    expect(undoneText({ tag: 'Q4 sample', unmark: true, events: 1 })).toBe('Undid: unmarked 1 event Q4 sample');
  });
});

describe('tagLabel and willMarkText', () => {
  it('count what they name', () => {
    expect(tagLabel({ tag: 'finding', n: 1234, builtin: true })).toBe('finding (1,234)');
    expect(tagLabel({ tag: 'reviewed', n: 0, builtin: true })).toBe('reviewed');
    expect(willMarkText(12345, true)).toBe('Marks 12,345 events matching the current filters.');
    expect(willMarkText(20000, false)).toBe('Marks all 20,000 events.');
    expect(willMarkText(1, true)).toBe('Marks the 1 event matching the current filters.');
  });
});
