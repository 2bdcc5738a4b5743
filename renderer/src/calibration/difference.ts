import type { Tone } from '../theme/tones';

/** A difference as shown: signed (+3, −2.5, 0), at most two decimals. */
export function formatDifference(value: number): string {
  const rounded = Math.round(value * 100) / 100;
  if (rounded === 0) return '0';
  return rounded > 0 ? `+${String(rounded)}` : `−${String(-rounded)}`;
}

/**
 * How far off a difference is for a scale of `max` points: beyond a fifth of it is far off
 * (danger), beyond a tenth worth a look (attention); colour is never alone (the number is shown).
 */
export function differenceTone(difference: number, max: number): Tone {
  if (max <= 0) return 'neutral';
  const share = Math.abs(difference) / max;
  if (share > 0.2) return 'danger';
  if (share > 0.1) return 'attention';
  return 'neutral';
}
