import type { Slot } from '@common/platform';
import type { MatrixCell, MatrixRow, ScoreMatrix, SheetState } from '@common/platform/chief';
import { QUEUE_EXAM } from './queue-fixtures';

/** The queue's test exam; the chief's desk shows its vocal slot. */
export const CHIEF_EXAM = QUEUE_EXAM;
export const SLOT_ID = 'slot-vocal';
export const SLOT = CHIEF_EXAM.slots.find((slot) => slot.id === SLOT_ID) as Slot;

export const MEMBERS = [
  { memberId: 'm-chief', displayName: '刘主任', isYou: true },
  { memberId: 'm-wang', displayName: '王老师', isYou: false },
  { memberId: 'm-zhao', displayName: '赵老师', isYou: false },
];

export function sheet(code: string, memberId: string, state: SheetState, extra: Partial<MatrixCell> = {}): MatrixCell {
  return {
    assignmentId: `as-${code}-${memberId}`,
    memberId,
    state,
    total: null,
    version: state === 'accepted' ? 1 : 0,
    locked: false,
    acceptedAt: null,
    firstAcceptedAt: null,
    deviation: null,
    flagged: false,
    reReview: 'none',
    recusal: null,
    technicalIssues: 0,
    ...extra,
  };
}

const accepted = (code: string, memberId: string, total: number, extra: Partial<MatrixCell> = {}) =>
  sheet(code, memberId, 'accepted', { total, acceptedAt: '2026-05-01T02:00:00.000Z', firstAcceptedAt: '2026-05-01T02:00:00.000Z', ...extra });

export function row(order: number, code: string, cells: MatrixCell[], combined: number | null): MatrixRow {
  const counting = cells.filter((cell) => cell.state !== 'recused').length;
  return { candidateCode: code, order, combined, accepted: cells.filter((cell) => cell.state === 'accepted').length, counting, cells };
}

/** Complete: both counting sheets accepted, one of them locked. */
export const ROW_AA11 = row(
  1,
  'AA11',
  [accepted('AA11', 'm-chief', 80, { deviation: 2 }), accepted('AA11', 'm-wang', 84, { deviation: 2, locked: true }), sheet('AA11', 'm-zhao', 'recused')],
  82,
);

/** Given out of order on purpose: the desk shows them by `order`. */
export const ROWS: MatrixRow[] = [
  row(3, 'CC33', [sheet('CC33', 'm-chief', 'not_scored'), sheet('CC33', 'm-wang', 'saved'), sheet('CC33', 'm-zhao', 'submitted')], null),
  ROW_AA11,
  row(
    2,
    'AB22',
    [
      accepted('AB22', 'm-chief', 70, { deviation: 4 }),
      accepted('AB22', 'm-wang', 90, { deviation: 16, flagged: true, reReview: 'open' }),
      accepted('AB22', 'm-zhao', 62, { deviation: 12, flagged: true }),
    ],
    74,
  ),
];

export function matrix(rows: MatrixRow[] = ROWS, signedOff: ScoreMatrix['signedOff'] = null): ScoreMatrix {
  return {
    examId: CHIEF_EXAM.id,
    slotId: SLOT_ID,
    subjectId: 'vocal',
    subjectName: { zh: '声乐', en: 'Vocal' },
    combineRule: { kind: 'mean' },
    deviationThreshold: 10,
    maxTotal: 100,
    members: MEMBERS,
    rows,
    signedOff,
    generatedAt: '2026-05-01T02:00:00.000Z',
  };
}

export const fresh = { fetchedAt: '2026-05-01T02:00:00.000Z', fresh: true };
