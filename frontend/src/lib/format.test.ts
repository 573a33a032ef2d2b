import { describe, expect, it } from 'vitest';
import {
  baseName,
  capitalise,
  formatDay,
  formatLocal,
  formatElapsed,
  formatEvents,
  formatFiles,
  formatMatching,
  formatRange,
  formatSynced,
  formatVersion,
  lastSyncState,
  shortHash,
  showControls,
  cellText,
  detailText,
} from './format';

describe('formatEvents', () => {
  it.each([
    [0, '0 events'],
    [1, '1 event'],
    [2, '2 events'],
    [999, '999 events'],
    [1000, '1,000 events'],
    [1234567, '1,234,567 events'],
  ])('%i -> %s', (n, want) => {
    expect(formatEvents(n)).toBe(want);
  });
});

describe('formatFiles', () => {
  it.each([
    [0, '0 files'],
    [1, '1 file'],
    [2, '2 files'],
    [1200, '1,200 files'],
  ])('%i -> %s', (n, want) => {
    expect(formatFiles(n)).toBe(want);
  });
});

describe('formatSynced', () => {
  it.each([
    ['', 'never'],
    ['2026-11-20T10:31:02Z', '2026-11-20 10:31:02 UTC'],
    ['2026-11-20T10:31:02.987654Z', '2026-11-20 10:31:02 UTC'],
    // An offset is converted, not dropped: the bar always speaks UTC.
    ['2026-11-20T12:31:02+02:00', '2026-11-20 10:31:02 UTC'],
    ['2026-01-01T00:30:00-01:00', '2026-01-01 01:30:00 UTC'],
    ['not a time', 'unknown'],
  ])('%j -> %s', (s, want) => {
    expect(formatSynced(s)).toBe(want);
  });
});

describe('formatVersion', () => {
  it.each([
    ['0.1.0-dev', 'v0.1.0-dev'],
    ['v1.2.3', 'v1.2.3'],
    ['', ''],
  ])('%j -> %j', (v, want) => {
    expect(formatVersion(v)).toBe(want);
  });
});

describe('capitalise', () => {
  it('upper-cases only the first letter', () => {
    expect(capitalise('no profile yet: connect')).toBe('No profile yet: connect');
    expect(capitalise('')).toBe('');
  });
});

describe('formatDay and formatRange', () => {
  it.each([
    ['2025-10-26T00:00:00Z', '2026-11-26T21:00:00Z', '2025-10-26 – 2026-11-26'],
    ['2026-11-26T01:00:00Z', '2026-11-26T21:00:00Z', '2026-11-26'],
    // UTC, like the rest of the bar: 23:30 at -02:00 is the next day.
    ['2026-01-01T23:30:00-02:00', '2026-01-03T00:00:00Z', '2026-01-02 – 2026-01-03'],
    ['', '', ''],
    ['garbage', '2026-11-26T21:00:00Z', '2026-11-26'],
  ])('%j .. %j -> %j', (a, b, want) => {
    expect(formatRange(a, b)).toBe(want);
  });

  it('gives the days in the display zone', () => {
    // 20:00 UTC is the next morning in Tokyo; 16:00 UTC is 01:00 there, the day after.
    expect(formatRange('2026-11-30T20:00:00Z', '2026-12-01T16:00:00Z', 'Asia/Tokyo')).toBe('2026-12-01 – 2026-12-02');
    expect(formatRange('2026-11-30T20:00:00Z', '2026-12-01T16:00:00Z', 'UTC')).toBe('2026-11-30 – 2026-12-01');
    expect(formatRange('2026-12-01T01:00:00Z', '2026-12-01T02:00:00Z', 'America/Los_Angeles')).toBe('2026-11-30');
  });

  it('formatDay gives "" for no time', () => {
    expect(formatDay('')).toBe('');
  });
});

describe('lastSyncState', () => {
  it.each([
    ['', false, 'ok'],
    ['ingest: context canceled', true, 'cancelled'],
    // Only Go's flag says cancelled: a server message mentioning it is a failure.
    ['auditapi: the server cancelled the request (503)', false, 'failed'],
    ['auditapi: dial tcp: connection refused', false, 'failed'],
  ] as const)('%j cancelled=%s -> %s', (lastSyncError, lastSyncCancelled, want) => {
    expect(lastSyncState({ lastSyncError, lastSyncCancelled })).toBe(want);
  });
});

describe('formatElapsed and formatMatching', () => {
  it.each([
    [0, '0.0 ms'],
    [0.44, '0.4 ms'],
    [9.96, '10 ms'],
    [12.5, '13 ms'],
    [1234.4, '1,234 ms'],
    [Number.NaN, ''],
  ])('%s -> %j', (ms, want) => {
    expect(formatElapsed(ms)).toBe(want);
  });

  it('says how many of the cache match', () => {
    expect(formatMatching(12345, 1_000_000)).toBe('12,345 matching of 1,000,000 events');
    expect(formatMatching(0, 1)).toBe('0 matching of 1 event');
  });
});

describe('cellText and detailText', () => {
  it('shows a line break as a mark on one line in a cell, and as a line in the details', () => {
    expect(cellText('Line one\nLine two\r\nthree\tfour')).toBe('Line one ↵ Line two ↵ three four');
    expect(detailText('Line one\nLine two\r\nthree\tfour')).toBe('Line one\nLine two\nthree\tfour');
  });

  it('escapes every other control character in both', () => {
    const hostile = 'red \u001b[31m bell \u0007 nul \u0000';
    expect(cellText(hostile)).toBe('red \\x1b[31m bell \\x07 nul \\x00');
    expect(detailText(hostile)).toBe('red \\x1b[31m bell \\x07 nul \\x00');
  });
});

describe('showControls', () => {
  it.each([
    ['plain text', 'plain text'],
    ['Terminal \u001b[31mred\u001b[0m and a bell \u0007', 'Terminal \\x1b[31mred\\x1b[0m and a bell \\x07'],
    ['two\nlines\ttab\r', 'two\\nlines\\ttab\\r'],
    ['nul\u0000 del\u007f', 'nul\\x00 del\\x7f'],
    ['日本語 Tiếng Việt 🚀 C:\\Users', '日本語 Tiếng Việt 🚀 C:\\Users'],
  ])('%j -> %j', (s, want) => {
    expect(showControls(s)).toBe(want);
  });
});

describe('export formatting', () => {
  it('formatLocal writes the time in this computer’s zone', () => {
    const t = '2026-12-01T09:05:03Z';
    const d = new Date(t);
    const p = (n: number) => String(n).padStart(2, '0');
    const want = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:03`;
    expect(formatLocal(t)).toBe(want);
    expect(formatLocal('')).toBe('');
    expect(formatLocal('soon')).toBe('');
  });

  it('baseName and shortHash', () => {
    expect(baseName('/home/a/report.csv')).toBe('report.csv');
    expect(baseName('C:\\Users\\a\\r.xlsx')).toBe('r.xlsx');
    expect(baseName('r.csv')).toBe('r.csv');
    expect(shortHash('3f2a9c1d00aa11bb22cc')).toBe('3f2a9c1d00aa…');
    expect(shortHash('ab12')).toBe('ab12');
  });
});
