import type { ReviewMark } from '@common/platform';
import type { SheetDraft } from '../sheet/sheet-draft';

/** The longest violation note a sheet takes (ScoreSheet.violation.note). */
const MAX_NOTE = 2000;

/** A moment of the review clock as m:ss, as the player shows it. */
function clock(atMs: number): string {
  const seconds = Math.floor(atMs / 1000);
  return `${String(Math.floor(seconds / 60))}:${String(seconds % 60).padStart(2, '0')}`;
}

/**
 * The review player's marks into the sheet: a violation mark that is new ticks the sheet's
 * violation flag and adds its moment and words to the violation note, so what the grader marked
 * reaches the sheet they submit. Removing a mark never clears the flag: that stays the grader's
 * decision. Pure.
 */
export function withMarks(draft: SheetDraft, next: readonly ReviewMark[]): SheetDraft {
  const known = new Set((draft.marks ?? []).map((mark) => mark.id));
  const added = next.filter((mark) => mark.kind === 'violation' && !known.has(mark.id));
  if (added.length === 0) return { ...draft, marks: next };
  const lines = added.map((mark) => `${clock(mark.atMs)} ${mark.text.trim()}`.trim());
  const note = [draft.violation.note.trim(), ...lines].filter((line) => line !== '').join('\n').slice(0, MAX_NOTE);
  return { ...draft, marks: next, violation: { flagged: true, note } };
}
