import type { Subject } from '@common/platform/exams';
import type { AssignmentRow } from './scores';

/** Why a sheet may not be accepted for an assignment whatever it holds (checked after the lock and the version). */
export interface GateRefusal {
  readonly status: number;
  readonly code: 'recused' | 'calibration_required';
  readonly message: string;
}

/**
 * A rule of fair scoring that refuses a submission before its values are looked at: the
 * examiner recused themselves (state/recusals.ts), or calibration is required and not done
 * (state/calibration.ts). ScoreIntake asks each gate in order, inside the submission's transaction.
 */
export interface ScoreGate {
  refuse(assignment: AssignmentRow, subject: Subject): GateRefusal | null;
}
