import { afterEach, describe, expect, it } from 'vitest';
import { ApiError, app, exportView, refresh, scopes, status } from '.';

type Bound = Record<string, () => Promise<unknown>>;

/** bind installs a fake of what Wails injects as window.go.app.App. */
function bind(methods: Bound): void {
  (window as unknown as { go: unknown }).go = { app: { App: methods } };
}

afterEach(() => {
  delete (window as unknown as { go?: unknown }).go;
});

describe('lib/api outside Wails', () => {
  it('rejects with a clear internal ApiError instead of a TypeError', async () => {
    const err = await status().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({
      code: app.ErrorCode.Internal,
      message: 'not connected to the AuditDesk backend',
    });
  });
});

describe('lib/api inside Wails', () => {
  it('normalises a rejected Refresh into an ApiError', async () => {
    bind({ Refresh: () => Promise.reject({ code: 'no_profile', message: 'no profile yet' }) });
    await expect(refresh()).rejects.toMatchObject({
      code: app.ErrorCode.NoProfile,
      message: 'no profile yet',
    });
  });

  it('normalises a string rejection from Export', async () => {
    bind({ Export: () => Promise.reject('export: disk full') });
    const err = await exportView().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).message).toBe('export: disk full');
  });

  it.each([null, undefined])('spells a missing profile (%s) as null', async (profile) => {
    bind({
      Status: () => Promise.resolve({ version: '0.1.0-dev', dataDir: '/d', profile, events: 0, lastSynced: '' }),
    });
    expect(await status()).toEqual({
      version: '0.1.0-dev',
      dataDir: '/d',
      profile: null,
      events: 0,
      lastSynced: '',
    });
  });

  it('gives scopes with null categories an empty list', async () => {
    bind({ Scopes: () => Promise.resolve([{ scope: 'Billing', categories: null }]) });
    expect(await scopes()).toEqual([{ scope: 'Billing', categories: [] }]);
  });
});
