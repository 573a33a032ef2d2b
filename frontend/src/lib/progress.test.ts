import { describe, expect, it } from 'vitest';
import { normaliseProgress, type SyncProgress } from './api';
import { progressRange, progressText, secondsLeft, syncedText, waitText } from './progress';

const p = (over: Partial<SyncProgress>): SyncProgress => ({ ...normaliseProgress({}), ...over });

describe('progressText', () => {
  it('names what is starting before the first event', () => {
    expect(progressText(null, 'demo')).toBe('Opening the demo…');
    expect(progressText(null, 'connect')).toBe('Connecting…');
    expect(progressText(null, 'refresh')).toBe('Starting sync…');
  });

  it.each([
    [
      'with the server total',
      { profile: 'acme/alice@x', events: 12000, total: 50000, hasTotal: true, new: 11800, pages: 24 },
      'Syncing acme/alice@x · 12,000 of 50,000 events · 11,800 new · 24 pages',
    ],
    [
      'without a total',
      { profile: 'acme/alice', events: 1, new: 1, pages: 1 },
      'Syncing acme/alice · 1 event · 1 new · 1 page',
    ],
    ['before the profile is known', { events: 0 }, 'Syncing · 0 events · 0 new · 0 pages'],
    [
      'with restarts',
      { profile: 'd', events: 500, new: 500, pages: 1, restarts: 2 },
      'Syncing d · 500 events · 500 new · 1 page · 2 restarts',
    ],
    [
      'a total of one',
      { profile: 'd', events: 1, total: 1, hasTotal: true, new: 0, pages: 1 },
      'Syncing d · 1 of 1 event · 0 new · 1 page',
    ],
    [
      'the index taking a finished run in',
      {
        profile: 'd',
        events: 1000000,
        total: 1000000,
        hasTotal: true,
        new: 1000000,
        pages: 1000,
        done: true,
        indexing: true,
      },
      'Syncing d · 1,000,000 of 1,000,000 events · 1,000,000 new · 1,000 pages · indexing for search…',
    ],
  ])('%s', (_, over, want) => {
    expect(progressText(p(over), 'refresh')).toBe(want);
  });
});

describe('waitText counts down to waitUntil', () => {
  const until = '2026-11-26T21:00:03Z';
  const at = (iso: string) => Date.parse(iso);

  it.each([
    ['rate_limited', '2026-11-26T21:00:00Z', 'Rate limited by the server — retrying in 3 s'],
    ['rate_limited', '2026-11-26T21:00:00.200Z', 'Rate limited by the server — retrying in 3 s'],
    ['rate_limited', '2026-11-26T21:00:01.100Z', 'Rate limited by the server — retrying in 2 s'],
    ['rate_limited', '2026-11-26T21:00:02.999Z', 'Rate limited by the server — retrying in 1 s'],
    ['rate_limited', '2026-11-26T21:00:03Z', 'Rate limited by the server — retrying now'],
    ['unavailable', '2026-11-26T21:00:09Z', 'The server is unavailable — retrying now'],
    ['transient', '2026-11-26T20:59:50Z', 'The connection failed — retrying in 13 s'],
  ] as const)('%s at %s', (waiting, now, want) => {
    expect(waitText(p({ waiting, waitUntil: until }), at(now))).toBe(want);
  });

  it('says nothing while not waiting, or once done', () => {
    expect(waitText(null, 0)).toBe('');
    expect(waitText(p({ waitUntil: until }), 0)).toBe('');
    expect(waitText(p({ waiting: 'rate_limited', waitUntil: until, done: true }), 0)).toBe('');
  });

  it('does not invent a countdown without a time', () => {
    expect(waitText(p({ waiting: 'rate_limited' }), 0)).toBe('Rate limited by the server — retrying shortly');
    expect(secondsLeft('soon', 0)).toBeNull();
  });
});

describe('progressRange', () => {
  it('is indeterminate without a total', () => {
    expect(progressRange(null)).toBeNull();
    expect(progressRange(p({ events: 10 }))).toBeNull();
    expect(progressRange(p({ events: 10, hasTotal: true, total: 0 }))).toBeNull();
  });

  it('gives value and maximum, never past full', () => {
    expect(progressRange(p({ events: 10, hasTotal: true, total: 40 }))).toEqual({ now: 10, max: 40 });
    expect(progressRange(p({ events: 45, hasTotal: true, total: 40 }))).toEqual({ now: 40, max: 40 });
  });
});

describe('syncedText', () => {
  it.each([
    [120, 'Synced: 120 new events'],
    [1, 'Synced: 1 new event'],
    [12345, 'Synced: 12,345 new events'],
    [0, 'Synced: no new events'],
  ])('%i -> %s', (n, want) => {
    expect(syncedText(n)).toBe(want);
  });
});
