/**
 * Limits every contract call is held to before its schema is even consulted. They bound the
 * work a malformed or hostile call can cause in main; schemas set tighter per-field limits.
 */
export const CONTRACT_LIMITS = {
  /** Longest string accepted anywhere in an input unless a schema allows more. */
  maxStringLength: 100_000,
  /** Deepest nesting of objects and arrays. */
  maxDepth: 16,
  /** Most keys and array items in one input, counted over the whole tree. */
  maxNodes: 20_000,
  /** Largest serialised message on the browser host's WebSocket. */
  maxMessageBytes: 1_048_576,
} as const;

/** Keys that could reach an object's prototype if anything downstream merged the input. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
