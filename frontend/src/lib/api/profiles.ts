// The Profiles service: the status of the profile the window shows, the
// others to switch to, its verify and its activity log.
import * as Profiles from '../../../wailsjs/go/app/Profiles';
import type { app } from '../../../wailsjs/go/models';
import { call } from './call';

export type Status = app.Status;
export type Profile = app.Profile;
export type Gap = app.Gap;
export type VerifyResult = app.VerifyResult;
export type ActivityEntry = app.ActivityEntry;

/** status reports the current profile (none: no profile yet) and its cache's figures. */
export async function status(): Promise<Status> {
  return call(Profiles.Status);
}

/** profiles lists every profile, most recently synced first. */
export async function profiles(): Promise<Profile[]> {
  return call(Profiles.List);
}

/** switchProfile makes the named profile current (its local cache only) and returns the status. */
export async function switchProfile(name: string): Promise<Status> {
  return call(() => Profiles.Switch(name));
}

/** verifyCache recomputes every event's hash and the chain; problems come as lines. */
export async function verifyCache(): Promise<VerifyResult> {
  return call(Profiles.Verify);
}

/** activity lists the current profile's activity log (its exports), newest first. */
export async function activity(): Promise<ActivityEntry[]> {
  return call(Profiles.Activity);
}
