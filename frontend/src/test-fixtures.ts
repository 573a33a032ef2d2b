// Shared fixtures of the UI tests: statuses and profiles as Go sends them.
import { audit, normaliseProgress, type Profile, type Status, type SyncProgress } from './lib/api';

export const emptyStatus: Status = {
  version: '0.1.0-dev',
  dataDir: '/tmp/auditdesk',
  profile: null,
  events: 0,
  lastSynced: '',
  lastSyncError: '',
  lastSyncCancelled: false,
  lastSuccess: '',
  oldest: '',
  newest: '',
  syncing: false,
  autoDemo: false,
  notice: '',
};

export const acme: Profile = {
  name: 'acme/alice',
  apiUrl: 'https://acme.example/api',
  organization: 'Acme',
  user: 'alice',
  role: audit.Role.ORGANIZATION_OWNER,
  workspaces: ['Main'],
  demo: false,
};

export const demo: Profile = {
  name: 'demo-org/owner',
  apiUrl: 'demo://simulator',
  organization: 'Demo Org',
  user: 'owner@demo.example',
  role: audit.Role.ORGANIZATION_OWNER,
  workspaces: [],
  demo: true,
};

export const progress = (over: Partial<SyncProgress>): SyncProgress => ({ ...normaliseProgress({}), ...over });
