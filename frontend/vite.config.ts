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
  },
});
