/**
 * joined wraps fn so that a call while one is on its way joins it instead
 * of starting another: main.ts asks for the settings and the status before
 * the mount, and App's onMount asks again.
 */
export function joined(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  return () =>
    (running ??= fn().finally(() => {
      running = null;
    }));
}
