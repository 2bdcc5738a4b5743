import { z } from 'zod';
import { ContractFailure, type CalibrationView } from '@common/contract';
import { AssignmentList, CalibrationResult, CalibrationStatus, type CalibrationBody } from '@common/platform';
import type { Logger } from '../log';
import { PlatformRefusal, refusalDetail, type PlatformClient } from '../platform/client';
import type { PlatformCache } from './platform-cache';
import type { SessionService } from './session-service';
import type { SheetService } from './sheet-service';

const statusPath = (subjectId: string) => `/calibration/subjects/${encodeURIComponent(subjectId)}`;

/** A problem of a refused calibration sheet, as the platform lists it (a criterion or a field). */
const Problem = z.object({ criterionId: z.string().optional(), field: z.string().optional(), problem: z.string() });

export interface CalibrationServiceDeps {
  readonly client: PlatformClient;
  readonly session: SessionService;
  readonly cache: PlatformCache;
  /** An assignment's subject, from the cached assignments and exam. */
  readonly sheets: Pick<SheetService, 'subjectOf'>;
  readonly log: Logger;
}

/**
 * Calibration (试评): before scoring a subject that requires it, the examiner scores the anchor
 * performances (样卷) the platform offers, and sees how far each criterion is from the anchor's
 * reference. The status is read through the platform cache (the last answer shows offline, with
 * its age); a sheet of the subject is not submitted while anchors are left.
 */
export class CalibrationService {
  constructor(private readonly deps: CalibrationServiceDeps) {}

  /** GET /calibration/subjects/:subjectId, or what it said last when the platform is away. */
  async get(subjectId: string): Promise<CalibrationView> {
    const { data, freshness } = await this.deps.cache.fetch('calibration', subjectId, statusPath(subjectId), CalibrationStatus);
    return { status: data, freshness };
  }

  /**
   * POST /calibration/anchors/:anchorId: the comparison with the anchor's reference. Scored
   * before (409 `already_calibrated`): the stored result. The cached status is refreshed after.
   */
  async submit(input: { anchorId: string; values: Record<string, number>; band?: string | undefined }): Promise<CalibrationResult> {
    const body: CalibrationBody = { values: input.values, ...(input.band !== undefined && { band: input.band }) };
    let result: CalibrationResult;
    try {
      const { data } = await this.deps.client.request({
        method: 'POST',
        path: `/calibration/anchors/${encodeURIComponent(input.anchorId)}`,
        schema: CalibrationResult,
        token: this.deps.session.requireToken(),
        body,
      });
      result = data;
    } catch (error) {
      result = storedResult(error);
    }
    const subjectId = this.#subjectOfAnchor(input.anchorId);
    if (subjectId !== null) {
      await this.get(subjectId).catch((error: unknown) => {
        this.deps.log.warn('the calibration status could not be refreshed after an anchor was scored', { subjectId, error: String(error) });
      });
    }
    return result;
  }

  /**
   * Refuses `calibration_required` a submission in a subject that requires calibration while
   * the examiner has anchors left (as the platform says now, or said last). With nothing cached
   * and the platform away the sheet goes into the outbox: the platform enforces the rule, and
   * the sheet then comes back refused with that code.
   */
  async checkSubmit(assignmentId: string): Promise<void> {
    const found = this.deps.sheets.subjectOf(assignmentId);
    if (!found?.subject.calibrationRequired || found.assignment.purpose === 'calibration') return;
    let status: CalibrationStatus;
    try {
      status = (await this.get(found.subject.id)).status;
    } catch (error) {
      if (error instanceof ContractFailure && (error.code === 'platform_unreachable' || error.code === 'platform_error')) return;
      throw error;
    }
    if (!status.required || status.complete) return;
    const scored = new Set(status.results.map((result) => result.anchorId));
    const left = status.anchorIds.filter((anchorId) => !scored.has(anchorId)).length;
    throw new ContractFailure(
      'calibration_required',
      `calibration first: ${String(left)} of ${String(status.anchorIds.length)} anchor performances left to score in this subject`,
    );
  }

  /** The subject of an anchor, from the cached calibration assignments. */
  #subjectOfAnchor(anchorId: string): string | null {
    const examinerId = this.deps.session.session?.examiner.id;
    if (examinerId === undefined) return null;
    const list = this.deps.cache.peek(examinerId, 'assignments', 'all', AssignmentList);
    const assignment = list?.assignments.find((candidate) => candidate.anchorId === anchorId);
    if (assignment) return assignment.subjectId;
    // Not listed yet: a subject whose status is cached and offers the anchor.
    for (const subjectId of this.deps.cache.keys(examinerId, 'calibration')) {
      if (this.deps.cache.peek(examinerId, 'calibration', subjectId, CalibrationStatus)?.anchorIds.includes(anchorId)) return subjectId;
    }
    return null;
  }
}

/** The platform's refusal of a calibration sheet as the contract's code; 409 `already_calibrated` is the stored result. */
function storedResult(error: unknown): CalibrationResult {
  if (!(error instanceof PlatformRefusal)) throw error;
  const { status, platformCode, message } = error;
  if (status === 409 && platformCode === 'already_calibrated') {
    const stored = refusalDetail(error, 'result', CalibrationResult) ?? refusalDetail(error, 'calibration', CalibrationResult);
    if (stored) return stored;
    throw new ContractFailure('already_calibrated', message);
  }
  if (status === 403 && platformCode === 'own_anchor') throw new ContractFailure('own_anchor', message);
  if (status === 400 && platformCode === 'invalid_score') {
    const problems = refusalDetail(error, 'problems', z.array(Problem)) ?? [];
    const listed = problems.map((problem) => `${problem.criterionId ?? problem.field ?? '?'}: ${problem.problem}`).join('; ');
    throw new ContractFailure('invalid_sheet', listed === '' ? message : listed);
  }
  if (status === 403) throw new ContractFailure('forbidden', message);
  if (status === 404) throw new ContractFailure('not_found', message);
  if (status === 400 || status === 422) throw new ContractFailure('invalid_input', message);
  throw error;
}
