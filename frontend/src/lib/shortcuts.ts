// The app's keyboard shortcuts, as a pure function of the key event so the
// mapping is tested without a DOM and App.svelte only dispatches.

export type Shortcut = 'focusSearch' | 'refresh' | 'export' | 'groupBy' | 'undo' | 'escape';

/** typing tells whether keys typed at el are text, so "/" must stay a "/". */
function typing(el: EventTarget | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  const tag = el.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable;
}

/** The inputs that take no text, so have no undo of their own. */
const notText = new Set(['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file', 'image']);

/** editing tells whether el edits text, whose own undo Ctrl+Z must stay. */
function editing(el: EventTarget | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  if (el instanceof HTMLInputElement) return !notText.has(el.type);
  return el.tagName === 'TEXTAREA' || el.isContentEditable;
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
      case 'z':
        // Ctrl+Z undoes the last mark, but in a text field its own typing;
        // Ctrl+Shift+Z (redo) is the field's too.
        return e.shiftKey || editing(e.target) ? null : 'undo';
    }
    return null;
  }
  if (e.key === '/' && !e.altKey && !typing(e.target)) return 'focusSearch';
  return null;
}
