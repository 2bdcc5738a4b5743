import { fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { installPushToTalkKey, isTypingTarget } from '../../renderer/src/live/talk/ptt-key';

/** A page with the places an examiner types (the grading form's comment, a prompt) and one where they do not. */
function page() {
  render(
    <div>
      <input data-testid="prompt" />
      <textarea data-testid="comment" />
      <select data-testid="criterion">
        <option>1</option>
      </select>
      <div contentEditable suppressContentEditableWarning data-testid="note">
        <span data-testid="inside-note">x</span>
      </div>
      <div contentEditable="false" suppressContentEditableWarning data-testid="not-editable" />
      <button type="button" data-testid="button">b</button>
      <div data-testid="panel" tabIndex={-1} />
    </div>,
  );
}

let uninstall: (() => void) | null = null;
afterEach(() => {
  uninstall?.();
  uninstall = null;
});

function install(): boolean[] {
  const changes: boolean[] = [];
  uninstall = installPushToTalkKey(window, (held) => changes.push(held));
  return changes;
}

describe('the push-to-talk key (T)', () => {
  it('knows where the examiner types', () => {
    page();
    const typing = ['prompt', 'comment', 'criterion', 'note', 'inside-note'];
    const notTyping = ['not-editable', 'button', 'panel'];
    for (const id of typing) expect([id, isTypingTarget(screen.getByTestId(id))]).toEqual([id, true]);
    for (const id of notTyping) expect([id, isTypingTarget(screen.getByTestId(id))]).toEqual([id, false]);
    expect(isTypingTarget(null)).toBe(false);
    expect(isTypingTarget(window)).toBe(false);
  });

  it('talks while T is held outside a text field, once per hold, and stops on release', () => {
    page();
    const changes = install();
    const panel = screen.getByTestId('panel');
    fireEvent.keyDown(panel, { code: 'KeyT', key: 't' });
    fireEvent.keyDown(panel, { code: 'KeyT', key: 't', repeat: true });
    fireEvent.keyDown(panel, { code: 'KeyT', key: 't', repeat: true });
    expect(changes).toEqual([true]);
    fireEvent.keyUp(panel, { code: 'KeyT', key: 't' });
    expect(changes).toEqual([true, false]);
    // Another key, or T with a modifier (a shortcut), is not push-to-talk.
    fireEvent.keyDown(panel, { code: 'KeyR', key: 'r' });
    fireEvent.keyDown(panel, { code: 'KeyT', key: 't', ctrlKey: true });
    expect(changes).toEqual([true, false]);
  });

  it.each(['prompt', 'comment', 'criterion', 'note', 'inside-note'])('never fires while typing in %s', (id) => {
    page();
    const changes = install();
    const field = screen.getByTestId(id);
    fireEvent.keyDown(field, { code: 'KeyT', key: 't' });
    fireEvent.keyUp(field, { code: 'KeyT', key: 't' });
    expect(changes).toEqual([]);
  });

  it('releases when the window loses the focus (the keyup would never come)', () => {
    page();
    const changes = install();
    fireEvent.keyDown(screen.getByTestId('panel'), { code: 'KeyT', key: 't' });
    fireEvent.blur(window);
    expect(changes).toEqual([true, false]);
    // The late keyup, if it comes, changes nothing.
    fireEvent.keyUp(screen.getByTestId('panel'), { code: 'KeyT', key: 't' });
    expect(changes).toEqual([true, false]);
  });

  it('releases a held key when uninstalled (the interview closed), and then listens no more', () => {
    page();
    const changes = install();
    fireEvent.keyDown(screen.getByTestId('panel'), { code: 'KeyT', key: 't' });
    uninstall?.();
    uninstall = null;
    expect(changes).toEqual([true, false]);
    fireEvent.keyDown(screen.getByTestId('panel'), { code: 'KeyT', key: 't' });
    expect(changes).toEqual([true, false]);
  });
});
