import type { LiveQuickMessage } from '@common/contract';

/**
 * The quick messages (快捷语) the workstation keeps per candidate: the newest 50. The platform
 * lets a device send a burst of 3 and then one every 3 s, so 50 hold every message of an ordinary
 * interview and over a minute of a device that floods; the panel reads the newest, and a list
 * that only grows would cost memory and rendering for the whole session.
 *
 * Each helper copies at most this many entries: bounded work per message, and a new list each
 * time, so a row that changed is a new value for React while the others keep their identity.
 */
export const QUICK_MESSAGES_KEPT = 50;

/** Oldest first, `message` last; the oldest dropped beyond the cap. */
export function appendQuickMessage(list: readonly LiveQuickMessage[], message: LiveQuickMessage, kept = QUICK_MESSAGES_KEPT): readonly LiveQuickMessage[] {
  return [...list.slice(Math.max(0, list.length + 1 - kept)), message];
}

/** Newest first, `message` first; the oldest dropped beyond the cap. */
export function prependQuickMessage(list: readonly LiveQuickMessage[], message: LiveQuickMessage, kept = QUICK_MESSAGES_KEPT): readonly LiveQuickMessage[] {
  return [message, ...list.slice(0, Math.max(0, kept - 1))];
}
