import { audit, GroupField } from './api';
import { describe, expect, it } from 'vitest';
import {
  activitySort,
  exportCancelledText,
  exportedText,
  exportingText,
  exportRange,
  reportedText,
  reportOptions,
  sortLabel,
  viewSummary,
} from './exporting';

describe('sortLabel', () => {
  it('names the column as the table does, with the arrow of its direction', () => {
    expect(sortLabel({ field: audit.SortField.User, desc: false })).toBe('User ↑');
    expect(sortLabel({ field: audit.SortField.Timestamp, desc: true })).toBe('Timestamp ↓');
  });
});

describe('viewSummary', () => {
  const sort = { field: audit.SortField.User, desc: false };
  it.each([
    [12345, true, 'UTC', '12,345 events matching the current filters, sorted by User ↑, times in UTC'],
    [1, true, 'UTC', '1 event matching the current filters, sorted by User ↑, times in UTC'],
    [20000, false, 'Asia/Tokyo', 'All 20,000 events, sorted by User ↑, times in Asia/Tokyo'],
    [1, false, '', 'The 1 event, sorted by User ↑, times in UTC'],
    [null, true, '', 'The events matching the current filters, sorted by User ↑, times in UTC'],
    [null, false, '', 'All events, sorted by User ↑, times in UTC'],
  ])('%s events, filtered %s, zone "%s"', (total, filtered, timeZone, want) => {
    expect(viewSummary({ total, filtered, sort, timeZone })).toBe(want);
  });
});

describe('export progress', () => {
  it('says what is starting until the view is counted, then rows of the total', () => {
    expect(exportingText(null)).toBe('Starting export…');
    expect(exportingText({ rows: 0, total: 0, done: false })).toBe('Starting export…');
    expect(exportingText({ rows: 120000, total: 1000000, done: false })).toBe('Exporting 120,000 of 1,000,000 rows');
    expect(exportingText({ rows: 1, total: 1, done: true })).toBe('Exporting 1 of 1 row');
  });

  it('gives the bar a range once there is a total, never past full', () => {
    expect(exportRange(null)).toBeNull();
    expect(exportRange({ rows: 0, total: 0, done: false })).toBeNull();
    expect(exportRange({ rows: 5, total: 10, done: false })).toEqual({ now: 5, max: 10 });
    expect(exportRange({ rows: 12, total: 10, done: false })).toEqual({ now: 10, max: 10 });
  });
});

describe('export endings', () => {
  it('names the file, not its folder, from either kind of path', () => {
    expect(exportedText(12345, '/home/alice/report.xlsx')).toBe('Exported 12,345 rows to report.xlsx');
    expect(exportedText(1, 'C:\\Users\\alice\\a.csv')).toBe('Exported 1 row to a.csv');
    expect(exportedText(0, '/tmp/empty.csv')).toBe('Exported 0 rows to empty.csv');
    expect(exportCancelledText).toBe('Export cancelled; nothing was written');
  });

  it('reads the activity log’s sort, and leaves what it cannot read', () => {
    expect(activitySort('user:asc')).toBe('User ↑');
    expect(activitySort('timestamp:desc')).toBe('Timestamp ↓');
    expect(activitySort('colour:asc')).toBe('colour:asc');
    expect(activitySort('')).toBe('');
  });
});

describe('reports', () => {
  it('say what they wrote', () => {
    expect(reportedText(12345, 3, '/home/a/q4-report.xlsx')).toBe(
      'Wrote a report of 12,345 events and 3 findings to q4-report.xlsx',
    );
    expect(reportedText(1, 1, 'r.xlsx')).toBe('Wrote a report of 1 event and 1 finding to r.xlsx');
  });

  it('give each pinned group-by its sheet, as long as its pin showed', () => {
    const { User, Status, Month } = GroupField;
    expect(reportOptions([])).toEqual({ groups: [], tops: [] });
    expect(
      reportOptions([
        { by: [User, Status], top: 10 },
        { by: [Month], top: 0 },
      ]),
    ).toEqual({ groups: [['user', 'status'], ['month']], tops: [10, 0] });
  });
});
