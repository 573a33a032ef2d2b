// The typed API of the Go backend: one module per bound service (query,
// sync, profiles, export, import, preferences, marks), each the only
// importer of its generated binding. This barrel is what the UI imports, so
// its tests mock this one module.
import { app, audit } from '../../../wailsjs/go/models';

export { ApiError, toApiError } from './errors';
export * from './query';
export * from './sync';
export * from './profiles';
export * from './export';
export * from './import';
export * from './preferences';
export * from './marks';
// The enums Go shares with the UI (app.ErrorCode, audit.Scope, audit.Status,
// audit.SortField, app.Theme, ...), re-exported so components use them
// without reaching into wailsjs.
export { app, audit };
