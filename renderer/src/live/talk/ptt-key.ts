/**
 * Push-to-talk on a held key (T). The key never fires while the examiner types — in an input,
 * a textarea, a select or anything contenteditable (the grading form's comment, a prompt) — and
 * a held key is released when the window loses the focus, since its keyup would never come.
 */
export const PUSH_TO_TALK_CODE = 'KeyT';

/** Whether a key event's target is somewhere the examiner types. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (target === null || typeof (target as Partial<Element>).closest !== 'function') return false;
  const element = target as HTMLElement;
  if (element.isContentEditable) return true;
  return element.closest('input, textarea, select, [contenteditable]:not([contenteditable="false"]), [role="textbox"], [role="combobox"]') !== null;
}

/** Listens on `win` and reports the key held (true) and released (false); returns the uninstaller. */
export function installPushToTalkKey(win: Window, onHeld: (held: boolean) => void): () => void {
  let held = false;
  const release = () => {
    if (!held) return;
    held = false;
    onHeld(false);
  };
  const down = (event: KeyboardEvent) => {
    if (event.code !== PUSH_TO_TALK_CODE || event.ctrlKey || event.metaKey || event.altKey) return;
    if (isTypingTarget(event.target)) return;
    event.preventDefault();
    if (held) return;
    held = true;
    onHeld(true);
  };
  const up = (event: KeyboardEvent) => {
    if (event.code === PUSH_TO_TALK_CODE) release();
  };
  const hidden = () => {
    if (win.document.visibilityState === 'hidden') release();
  };
  win.addEventListener('keydown', down);
  win.addEventListener('keyup', up);
  win.addEventListener('blur', release);
  win.document.addEventListener('visibilitychange', hidden);
  return () => {
    win.removeEventListener('keydown', down);
    win.removeEventListener('keyup', up);
    win.removeEventListener('blur', release);
    win.document.removeEventListener('visibilitychange', hidden);
    release();
  };
}
