import { describe, expect, it } from 'vitest';
import { commandFor, isTypingTarget, type KeyPress, type PlayerNow } from '../../../renderer/src/review/player/keys';

const press = (key: string, extra: Partial<KeyPress> = {}): KeyPress => ({ key, ctrlKey: false, metaKey: false, altKey: false, isComposing: false, ...extra });
const paused: PlayerNow = { playing: false, rate: 1 };
const playing = (rate = 1): PlayerNow => ({ playing: true, rate });

describe('player keys', () => {
  it.each([
    [' ', paused, { kind: 'toggle' }],
    ['k', playing(), { kind: 'toggle' }],
    ['K', paused, { kind: 'toggle' }],
    ['l', paused, { kind: 'play', rate: 1 }],
    ['l', { playing: false, rate: 0.5 }, { kind: 'play', rate: 1 }],
    ['l', { playing: false, rate: 1.5 }, { kind: 'play', rate: 1.5 }],
    ['l', playing(1), { kind: 'rate', rate: 2 }],
    ['l', playing(2), { kind: 'rate', rate: 2 }],
    ['l', playing(0.5), { kind: 'rate', rate: 1 }],
    ['j', playing(2), { kind: 'rate', rate: 1 }],
    ['j', playing(1), { kind: 'seekBy', seconds: -5 }],
    ['j', paused, { kind: 'seekBy', seconds: -5 }],
    ['ArrowLeft', paused, { kind: 'seekBy', seconds: -5 }],
    ['ArrowRight', playing(), { kind: 'seekBy', seconds: 5 }],
    [',', playing(), { kind: 'frame', direction: -1 }],
    ['.', paused, { kind: 'frame', direction: 1 }],
    ['[', paused, { kind: 'rate', rate: 0.75 }],
    [']', paused, { kind: 'rate', rate: 1.25 }],
    ['[', { playing: false, rate: 0.25 }, { kind: 'rate', rate: 0.25 }],
    [']', { playing: false, rate: 2 }, { kind: 'rate', rate: 2 }],
    ['Home', paused, { kind: 'seekTo', where: 'start' }],
    ['End', paused, { kind: 'seekTo', where: 'end' }],
    ['n', paused, { kind: 'mark', mark: 'note' }],
    ['V', playing(), { kind: 'mark', mark: 'violation' }],
  ] as const)('%j while %j: %j', (key, now, expected) => {
    expect(commandFor(press(key), now, false)).toEqual(expected);
  });

  it.each(['a', '1', 'Enter', 'Escape', 'Tab', 'ArrowUp'])('leaves %j to the page', (key) => {
    expect(commandFor(press(key), paused, false)).toBeNull();
  });

  it('never fires while typing, composing, or with a modifier (browser and system shortcuts)', () => {
    expect(commandFor(press('k'), paused, true)).toBeNull();
    expect(commandFor(press(' '), paused, true)).toBeNull();
    expect(commandFor(press('j', { isComposing: true }), paused, false)).toBeNull();
    expect(commandFor(press('l', { ctrlKey: true }), paused, false)).toBeNull();
    expect(commandFor(press('ArrowLeft', { altKey: true }), paused, false)).toBeNull();
    expect(commandFor(press('.', { metaKey: true }), paused, false)).toBeNull();
  });

  const element = (tagName: string, extra: Record<string, unknown> = {}) => ({ tagName, getAttribute: (name: string) => (extra[name] as string | undefined) ?? null, ...extra });
  it.each([
    ['a text field', element('INPUT', { type: 'text' }), true],
    ['a field of no stated type', element('INPUT'), true],
    ['a number field', element('INPUT', { type: 'number' }), true],
    ['a search field', element('INPUT', { type: 'search' }), true],
    ['a text area', element('TEXTAREA'), true],
    ['a select', element('SELECT'), true],
    ['something editable', element('DIV', { isContentEditable: true }), true],
    ['a combobox', element('DIV', { role: 'combobox' }), true],
    ['a checkbox', element('INPUT', { type: 'checkbox' }), false],
    ['a radio button', element('INPUT', { type: 'radio' }), false],
    ['a button', element('BUTTON'), false],
    ['the page', element('BODY'), false],
    ['a slider', element('DIV', { role: 'slider' }), false],
    ['nothing', null, false],
  ])('typing in %s: %s', (_label, target, typing) => {
    expect(isTypingTarget(target as unknown as EventTarget | null)).toBe(typing);
  });
});
