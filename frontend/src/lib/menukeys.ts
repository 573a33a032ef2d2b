// The keyboard of a menu, as a native one behaves: arrows move between its
// items (wrapping), Home and End go to the ends, Esc closes and gives the
// focus back to the trigger, Tab closes and lets the focus move on. Shared
// by the toolbar menus (Menu.svelte) and the profile menu.

/** menuKey handles e for the menu whose items are given; it returns whether it did. */
export function menuKey(e: KeyboardEvent, items: HTMLElement[], hide: (refocus: boolean) => void): boolean {
  const at = items.indexOf(document.activeElement as HTMLElement);
  const go = (i: number) => items[(i + items.length) % items.length]?.focus();
  if (e.key === 'ArrowDown') go(at + 1);
  else if (e.key === 'ArrowUp') go(at - 1);
  else if (e.key === 'Home') go(0);
  else if (e.key === 'End') go(items.length - 1);
  else if (e.key === 'Escape') {
    e.stopPropagation(); // Esc closes the menu, not the sync or the banner
    hide(true);
  } else if (e.key === 'Tab') {
    hide(false);
    return true;
  } else return false;
  e.preventDefault();
  return true;
}

/** triggerKey opens the menu from its button on ArrowDown (first item) or ArrowUp (last). */
export function triggerKey(e: KeyboardEvent, show: (focus: 'first' | 'last') => void): void {
  if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
    e.preventDefault();
    show(e.key === 'ArrowDown' ? 'first' : 'last');
  }
}
