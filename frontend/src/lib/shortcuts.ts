// The app's keyboard shortcuts, as a pure function of the key event so the
// mapping is tested without a DOM and App.svelte only dispatches.

export type Shortcut = 'focusSearch' | 'refresh' | 'export' | 'groupBy' | 'escape';

/** typing tells whether keys typed at el are text, so "/" must stay a "/". */
function typing(el: EventTarget | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  const tag = el.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable;
}

/**
 * shortcutFor maps a keydown to a shortcut, or null to let it through.
 * Cmd stands in for Ctrl so the same keys work on macOS.
 */
export function shortcutFor(e: KeyboardEvent): Shortcut | null {
  if (e.isComposing) return null;
  const mod = e.ctrlKey || e.metaKey;
  if (e.key === 'Escape' && !mod) return 'escape';
  if (mod && !e.altKey) {
    switch (e.key.toLowerCase()) {
      case 'f':
        return 'focusSearch';
      case 'r':
        return 'refresh';
      case 'e':
        return 'export';
      case 'g':
        return 'groupBy';
    }
    return null;
  }
  if (e.key === '/' && !e.altKey && !typing(e.target)) return 'focusSearch';
  return null;
}
