// The Preferences service: the window's display settings and saved views.
import * as Service from '../../../wailsjs/go/app/Preferences';
import { app, type settings } from '../../../wailsjs/go/models';
import { call } from './call';

export type Preferences = app.Display;
export type View = app.View;
export type Column = settings.Column;
export type Theme = app.Theme;
export type Density = app.Density;
export type LastView = settings.LastView;

export const defaultPreferences: Preferences = {
  timeZone: 'UTC',
  theme: app.Theme.System,
  density: app.Density.Comfortable,
  columns: [],
  restoreLast: true,
};

export async function preferences(): Promise<Preferences> {
  return call(Service.Get);
}

/** setPreferences saves; a bad value (an unknown zone) rejects with invalid_input. */
export async function setPreferences(p: Preferences): Promise<Preferences> {
  return call(() => Service.Set(p));
}

/** setLast saves the filter and sort shown now, for the next launch (nothing when restoreLast is off). */
export async function setLast(v: LastView): Promise<void> {
  return call(() => Service.SetLast(v));
}

/** views lists the built-in views, then the saved ones by name. */
export async function views(): Promise<View[]> {
  return call(Service.Views);
}

export async function saveView(v: View): Promise<View[]> {
  return call(() => Service.SaveView(v));
}

export async function deleteView(name: string): Promise<View[]> {
  return call(() => Service.DeleteView(name));
}
