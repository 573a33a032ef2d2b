import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';

import { boot } from './lib/boot';
import { prefs } from './lib/state/prefs.svelte';
import { last } from './lib/state/last.svelte';
import { query } from './lib/state/query.svelte';
import { session } from './lib/state/status.svelte';

// The settings and the status are asked for now, while the window mounts:
// the first query goes out as soon as the mount ends (App's onMount joins
// these calls).
void prefs.load();
void session.load();

// The fonts by the OS (app.css), before the first layout asks for them.
const os = boot().os;
if (os) document.documentElement.dataset.os = os;

// The view shown last comes back (the preferences from the boot script),
// then the queries start: the boot script's answer (Go's, to the first
// query) is installed before the mount, whose first render has its rows.
last.restore();
query.start();
last.start();

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

export default mount(App, { target });
