/** A shortcut by physical key (KeyboardEvent.code), so it works in any keyboard layout. */
export type ShortcutMap = Partial<Record<string, () => void>>;

/**
 * Binds single-key shortcuts to the window. A plain key never fires while the user types in a
 * field (it is a letter there); Alt with the same key works everywhere. Ctrl and Meta
 * combinations stay the browser's.
 */
export function bindShortcuts(shortcuts: ShortcutMap): () => void {
  const onKeyDown = (event: KeyboardEvent) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.repeat) return;
    if (!event.altKey && isTyping(event.target)) return;

    const action = shortcuts[event.code];
    if (!action) return;

    event.preventDefault();
    action();
  };

  window.addEventListener('keydown', onKeyDown);
  return () => window.removeEventListener('keydown', onKeyDown);
}

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  if (!(target instanceof HTMLInputElement)) return false;

  return !['button', 'checkbox', 'radio', 'range', 'submit', 'reset'].includes(target.type);
}
