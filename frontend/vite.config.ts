/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';

export default defineConfig({
  plugins: [svelte(), svelteTesting()],
  // Wails serves the page from its own asset server, so asset URLs must be
  // relative to index.html rather than rooted at "/".
  base: './',
  build: {
    outDir: 'dist',
    // dist/.gitkeep is recreated by the build script after this wipe.
    emptyOutDir: true,
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
    setupFiles: ['./src/test-setup.ts'],
    // A safety net, not a speed bound: on a busy 2-core machine one test of
    // the whole App (jsdom, many renders) took 5.2 s against the 5 s default.
    // Speed is measured in benchmarks, never by a test's timeout.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
