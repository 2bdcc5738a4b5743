import { SPEEDS } from './speeds';

/**
 * The player's keyboard, as a pure mapping from a key press to a command, so that it can be
 * tested without a DOM. Shortcuts never fire while the grader types: in a text field, a text
 * area, a select or anything editable, keys belong to what is typed.
 *
 *   Space / K  play or pause          J  slower; at 1× or paused, back 5 s   L  play; again: faster
 *   ← / →      back / forward 5 s     , / .  one frame back / forward (pauses)
 *   [ / ]      speed down / up        N  note at this moment    V  violation mark at this moment
 *   Home / End start / end            B  hide or show the pictures (blind listening)
 */
export type PlayerCommand =
  | { readonly kind: 'toggle' }
  | { readonly kind: 'pause' }
  | { readonly kind: 'play'; readonly rate: number }
  | { readonly kind: 'rate'; readonly rate: number }
  | { readonly kind: 'seekBy'; readonly seconds: number }
  | { readonly kind: 'seekTo'; readonly where: 'start' | 'end' }
  | { readonly kind: 'frame'; readonly direction: 1 | -1 }
  | { readonly kind: 'mark'; readonly mark: 'note' | 'violation' }
  | { readonly kind: 'blind' };

export interface KeyPress {
  readonly key: string;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly altKey: boolean;
  /** An input method is composing (pinyin): the key is part of a character. */
  readonly isComposing: boolean;
}

export interface PlayerNow {
  readonly playing: boolean;
  readonly rate: number;
}

export const SKIP_SECONDS = 5;

/** Where typing happens: keys there are text, not shortcuts. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (target === null || typeof target !== 'object') return false;
  const element = target as { tagName?: unknown; isContentEditable?: unknown; type?: unknown; getAttribute?: (name: string) => string | null };
  if (element.isContentEditable === true) return true;
  const tag = typeof element.tagName === 'string' ? element.tagName.toUpperCase() : '';
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = typeof element.type === 'string' ? element.type.toLowerCase() : 'text';
    return !['button', 'checkbox', 'radio', 'range', 'submit', 'reset', 'image', 'color', 'file'].includes(type);
  }
  const role = element.getAttribute?.('role');
  return role === 'textbox' || role === 'combobox' || role === 'searchbox';
}

const MAX_RATE = SPEEDS[SPEEDS.length - 1] ?? 2;

/** The command for a key press, or null when the key is not the player's (or is typed text). */
export function commandFor(press: KeyPress, now: PlayerNow, typing: boolean): PlayerCommand | null {
  if (typing || press.isComposing || press.ctrlKey || press.metaKey || press.altKey) return null;
  switch (press.key) {
    case ' ':
    case 'k':
    case 'K':
      return { kind: 'toggle' };
    case 'l':
    case 'L':
      if (!now.playing) return { kind: 'play', rate: Math.max(1, now.rate) };
      return { kind: 'rate', rate: Math.min(MAX_RATE, now.rate < 1 ? 1 : now.rate * 2) };
    case 'j':
    case 'J':
      // Chromium cannot play backwards: J slows a fast playback down, then steps back.
      if (now.playing && now.rate > 1) return { kind: 'rate', rate: Math.max(1, now.rate / 2) };
      return { kind: 'seekBy', seconds: -SKIP_SECONDS };
    case 'ArrowLeft':
      return { kind: 'seekBy', seconds: -SKIP_SECONDS };
    case 'ArrowRight':
      return { kind: 'seekBy', seconds: SKIP_SECONDS };
    case ',':
      return { kind: 'frame', direction: -1 };
    case '.':
      return { kind: 'frame', direction: 1 };
    case '[':
      return { kind: 'rate', rate: stepRate(now.rate, -1) };
    case ']':
      return { kind: 'rate', rate: stepRate(now.rate, 1) };
    case 'Home':
      return { kind: 'seekTo', where: 'start' };
    case 'End':
      return { kind: 'seekTo', where: 'end' };
    case 'n':
    case 'N':
      return { kind: 'mark', mark: 'note' };
    case 'v':
    case 'V':
      return { kind: 'mark', mark: 'violation' };
    case 'b':
    case 'B':
      return { kind: 'blind' };
    default:
      return null;
  }
}

function stepRate(rate: number, direction: 1 | -1): number {
  const index = SPEEDS.findIndex((speed) => Math.abs(speed - rate) < 1e-9);
  if (index === -1) return 1;
  return SPEEDS[Math.max(0, Math.min(SPEEDS.length - 1, index + direction))] ?? 1;
}
