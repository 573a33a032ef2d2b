import { describe, expect, it } from 'vitest';
import { formatInstant, presetFrom, presetRange, toWall, validZone, wallToInstant, zoneName } from './timerange';

describe('presetFrom', () => {
  const now = new Date('2026-03-10T12:00:00Z');
  it.each([
    { p: '24h', want: '2026-03-09T12:00:00.000Z' },
    { p: '7d', want: '2026-03-03T12:00:00.000Z' },
    { p: '30d', want: '2026-02-08T12:00:00.000Z' },
    { p: '12m', want: '2025-03-10T12:00:00.000Z' },
    { p: 'all', want: '' },
    { p: 'custom', want: '' },
  ] as const)('$p', ({ p, want }) => {
    expect(presetFrom(p, now)).toBe(want);
  });
});

describe('presetRange', () => {
  // 2026-05-31 23:30 UTC is June 1st in Tokyo: months are the zone's.
  const now = new Date('2026-05-31T23:30:00Z');
  it.each([
    { p: 'thisMonth', zone: 'UTC', from: '2026-05-01T00:00:00.000Z', to: '2026-06-01T00:00:00.000Z' },
    { p: 'thisMonth', zone: 'Asia/Tokyo', from: '2026-05-31T15:00:00.000Z', to: '2026-06-30T15:00:00.000Z' },
    { p: 'lastMonth', zone: 'UTC', from: '2026-04-01T00:00:00.000Z', to: '2026-05-01T00:00:00.000Z' },
    { p: 'lastQuarter', zone: 'UTC', from: '2026-01-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' },
    { p: 'lastQuarter', zone: 'Asia/Tokyo', from: '2025-12-31T15:00:00.000Z', to: '2026-03-31T15:00:00.000Z' },
    { p: 'thisYear', zone: 'UTC', from: '2026-01-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z' },
    { p: 'lastYear', zone: 'UTC', from: '2025-01-01T00:00:00.000Z', to: '2026-01-01T00:00:00.000Z' },
    { p: 'lastFiscalYear', zone: 'Asia/Tokyo', from: '2025-03-31T15:00:00.000Z', to: '2026-03-31T15:00:00.000Z' },
    { p: '7d', zone: 'UTC', from: '2026-05-24T23:30:00.000Z', to: '' },
    { p: 'all', zone: 'UTC', from: '', to: '' },
  ] as const)('$p in $zone', ({ p, zone, from, to }) => {
    expect(presetRange(p, now, zone)).toEqual({ from, to });
  });

  it('takes the fiscal year before the one of a date in January to March', () => {
    expect(presetRange('lastFiscalYear', new Date('2026-02-10T00:00:00Z'), 'UTC')).toEqual({
      from: '2024-04-01T00:00:00.000Z',
      to: '2025-04-01T00:00:00.000Z',
    });
  });
});

describe('wall times in a zone', () => {
  it.each([
    { zone: 'UTC', wall: '2026-03-01 09:30', want: '2026-03-01T09:30:00.000Z' },
    { zone: 'Asia/Tokyo', wall: '2026-03-01 09:30', want: '2026-03-01T00:30:00.000Z' },
    // Either side of New York's DST change (2026-03-08).
    { zone: 'America/New_York', wall: '2026-03-07 12:00', want: '2026-03-07T17:00:00.000Z' },
    { zone: 'America/New_York', wall: '2026-03-09 12:00', want: '2026-03-09T16:00:00.000Z' },
  ])('$wall in $zone is $want, and back', ({ zone, wall, want }) => {
    expect(wallToInstant(wall, zone)).toBe(want);
    expect(toWall(want, zone)).toBe(wall);
  });

  it('reads Local as the machine zone', () => {
    expect(wallToInstant('2026-03-01T09:30', 'Local')).toBe(new Date(2026, 2, 1, 9, 30).toISOString());
  });

  it('gives "" for what is not a time', () => {
    expect(wallToInstant('', 'UTC')).toBe('');
    expect(wallToInstant('yesterday', 'UTC')).toBe('');
    expect(wallToInstant('12/01/2026, 01:00', 'UTC')).toBe('');
    expect(wallToInstant('2026-13-01', 'UTC')).toBe('');
    expect(wallToInstant('2026-12-01 25:00', 'UTC')).toBe('');
    expect(formatInstant('', 'UTC')).toBe('');
  });

  it('formats in the zone, with seconds when asked', () => {
    expect(formatInstant('2026-03-01T00:30:05Z', 'Asia/Tokyo')).toBe('2026-03-01 09:30');
    expect(formatInstant('2026-03-01T00:30:05Z', 'UTC', true)).toBe('2026-03-01 00:30:05');
  });

  it('knows a zone name from a typo', () => {
    expect(validZone('Europe/Paris')).toBe(true);
    expect(validZone('Local')).toBe(true);
    expect(validZone('Mars/Olympus')).toBe(false);
  });
});

describe('zoneName', () => {
  it('names UTC and IANA zones as given, and Local as the zone this computer is in', () => {
    expect(zoneName('UTC')).toBe('UTC');
    expect(zoneName('')).toBe('UTC');
    expect(zoneName('Asia/Ho_Chi_Minh')).toBe('Asia/Ho_Chi_Minh');
    expect(zoneName('Local')).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
  });
});
