import { describe, expect, it } from 'vitest';
import { app } from '../../../wailsjs/go/models';
import { ApiError, toApiError } from './errors';

const noProfile = 'no profile yet: connect to your platform with an API URL and token, or open the demo';

describe('toApiError', () => {
  const cases: { name: string; reason: unknown; code: app.ErrorCode; message: string }[] = [
    {
      name: 'the {code, message} object of the ErrorFormatter',
      reason: { code: 'no_profile', message: noProfile },
      code: app.ErrorCode.NoProfile,
      message: noProfile,
    },
    {
      name: 'an unknown code falls back to internal',
      reason: { code: 'exploded', message: 'disk full' },
      code: app.ErrorCode.Internal,
      message: 'disk full',
    },
    {
      name: 'an object without a message',
      reason: { code: 'busy' },
      code: app.ErrorCode.Busy,
      message: 'unknown error',
    },
    {
      name: 'a plain string',
      reason: 'store: open: permission denied',
      code: app.ErrorCode.Internal,
      message: 'store: open: permission denied',
    },
    {
      name: 'a JSON string of {code, message}',
      reason: '{"code":"invalid_input","message":"bad filter"}',
      code: app.ErrorCode.InvalidInput,
      message: 'bad filter',
    },
    {
      name: 'an Error',
      reason: new TypeError("Cannot read properties of undefined (reading 'app')"),
      code: app.ErrorCode.Internal,
      message: "Cannot read properties of undefined (reading 'app')",
    },
    {
      name: 'a multi-line message becomes one line',
      reason: { code: 'internal', message: 'sync failed:\n  timeout\n' },
      code: app.ErrorCode.Internal,
      message: 'sync failed: timeout',
    },
    {
      name: 'an Error carrying {code, message} as JSON (the Wails runtime wrapping the Go formatter)',
      reason: new Error('{"code":"no_profile","message":"no profile yet"}'),
      code: app.ErrorCode.NoProfile,
      message: 'no profile yet',
    },
    { name: 'undefined', reason: undefined, code: app.ErrorCode.Internal, message: 'unknown error' },
    { name: 'null', reason: null, code: app.ErrorCode.Internal, message: 'unknown error' },
    { name: 'a number', reason: 42, code: app.ErrorCode.Internal, message: 'unknown error' },
    { name: 'an empty string', reason: '', code: app.ErrorCode.Internal, message: 'unknown error' },
  ];

  it.each(cases)('$name', ({ reason, code, message }) => {
    const err = toApiError(reason);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toBeInstanceOf(Error);
    expect(err.code).toBe(code);
    expect(err.message).toBe(message);
    expect(err.message).not.toContain('[object');
    expect(err.message).not.toMatch(/^\{/);
  });

  it('returns an ApiError unchanged', () => {
    const err = new ApiError(app.ErrorCode.Busy, 'already syncing');
    expect(toApiError(err)).toBe(err);
  });
});
