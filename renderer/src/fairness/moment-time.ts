/** The latest moment a technical issue may name (48 h, as the contract allows). */
export const MAX_MOMENT_MS = 172_800_000;

/** A moment as mm:ss (minutes may pass 59: a long recording is "75:02"). */
export function formatMoment(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  return `${String(Math.floor(seconds / 60)).padStart(2, '0')}:${String(seconds % 60).padStart(2, '0')}`;
}

/** A typed moment, "mm:ss" (full-width digits and colon too), in milliseconds; null when it is not one. */
export function parseMoment(text: string): number | null {
  const plain = text.trim().replace(/[０-９：]/g, (char) => String.fromCharCode(char.charCodeAt(0) - 0xfee0));
  const match = /^(\d{1,4}):([0-5]\d)$/.exec(plain);
  if (!match) return null;
  const ms = (Number(match[1]) * 60 + Number(match[2])) * 1000;
  return ms <= MAX_MOMENT_MS ? ms : null;
}
