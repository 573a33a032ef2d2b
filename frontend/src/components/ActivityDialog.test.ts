import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import * as api from '../lib/api';
import { formatLocal } from '../lib/format';
import { activity } from '../lib/state/activity.svelte';
import { dialogs } from '../lib/state/dialogs.svelte';
import { errors } from '../lib/state/errors.svelte';
import ActivityDialog from './ActivityDialog.svelte';

vi.mock('../lib/api', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../lib/api')>()),
  activity: vi.fn(),
  copyText: vi.fn(),
}));

const { app, ApiError } = api;
const hash = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const entry = (over: Partial<api.ActivityEntry> = {}): api.ActivityEntry => ({
  time: '2026-12-01T09:05:03Z',
  kind: 'export',
  osUser: 'alice',
  user: 'owner@demo.example',
  file: '/home/alice/Documents/failed.csv',
  format: 'csv',
  rows: 1234,
  sha256: hash,
  filter: 'status=FAILED',
  sort: 'user:asc',
  ...over,
});

beforeEach(() => {
  vi.mocked(api.activity).mockReset().mockResolvedValue([]);
  vi.mocked(api.copyText).mockReset().mockResolvedValue(true);
  dialogs.close();
  errors.dismiss();
  activity.entries = [];
});

async function opened(): Promise<HTMLElement> {
  render(ActivityDialog);
  activity.open();
  const dialog = await screen.findByRole('dialog', { name: 'Activity' });
  await waitFor(() => expect(activity.loading).toBe(false));
  return dialog;
}

describe('ActivityDialog', () => {
  it('says "No exports yet" when the log is empty; Close is focused and closes', async () => {
    const dialog = await opened();
    expect(api.activity).toHaveBeenCalledTimes(1);
    expect(within(dialog).getByRole('heading', { name: 'No exports yet' })).toBeInTheDocument();
    expect(within(dialog).queryByRole('table')).toBeNull();
    const close = within(dialog).getByRole('button', { name: 'Close' });
    expect(close).toHaveFocus();
    await fireEvent.click(close);
    expect(dialogs.activity).toBe(false);
  });

  it('lists each export: local time, who, file, format, rows, filter, sort, SHA-256 with Copy', async () => {
    vi.mocked(api.activity).mockResolvedValue([
      entry(),
      entry({ file: '/tmp/all.xlsx', format: 'xlsx', rows: 20000, filter: 'all events', sort: 'timestamp:desc' }),
    ]);
    const dialog = await opened();
    const table = within(dialog).getByRole('table');
    const headers = within(table)
      .getAllByRole('columnheader')
      .map((h) => h.textContent?.trim());
    expect(headers).toEqual(['Time', 'Who', 'File', 'Format', 'Rows', 'Filter', 'Sort', 'SHA-256']);
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    const cells = within(rows[0])
      .getAllByRole('cell')
      .map((c) => c.textContent?.replace(/\s+/g, ' ').trim());
    expect(cells).toEqual([
      formatLocal('2026-12-01T09:05:03Z'),
      'alice as owner@demo.example',
      'failed.csv',
      'CSV',
      '1,234',
      'status=FAILED',
      'User ↑',
      `${hash.slice(0, 12)}… Copy`,
    ]);
    // The UTC time, the whole path and the whole hash are a hover away.
    expect(within(rows[0]).getAllByRole('cell')[0]).toHaveAttribute('title', '2026-12-01 09:05:03 UTC');
    expect(within(rows[0]).getByText('failed.csv')).toHaveAttribute('title', '/home/alice/Documents/failed.csv');
    const code = within(rows[0]).getByText(`${hash.slice(0, 12)}…`);
    expect(code.tagName).toBe('CODE');
    expect(code).toHaveAttribute('title', hash);
    expect(within(rows[1]).getByText('Timestamp ↓')).toBeInTheDocument();

    const copy = within(rows[0]).getByRole('button', { name: 'Copy the SHA-256 of failed.csv' });
    await fireEvent.click(copy);
    expect(api.copyText).toHaveBeenCalledWith(hash);
    await waitFor(() => expect(copy).toHaveTextContent('Copied'));
  });

  it('shows a failure in the dialog, in one line', async () => {
    vi.mocked(api.activity).mockRejectedValue(new ApiError(app.ErrorCode.NoProfile, 'no profile yet'));
    const dialog = await opened();
    expect(within(dialog).getByRole('alert')).toHaveTextContent('No profile yet');
    expect(within(dialog).queryByText('No exports yet')).toBeNull();
    expect(errors.current).toBeNull();
  });

  it('reads the log again each time it opens', async () => {
    await opened();
    activity.close();
    vi.mocked(api.activity).mockResolvedValue([entry()]);
    activity.open();
    const dialog = await screen.findByRole('dialog', { name: 'Activity' });
    expect(await within(dialog).findByText('failed.csv')).toBeInTheDocument();
    expect(api.activity).toHaveBeenCalledTimes(2);
  });
});
