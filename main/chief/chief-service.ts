import type { z } from 'zod';
import { ContractFailure, type ChiefExportFile, type ChiefExportInput, type ChiefMatrixView } from '@common/contract';
import {
  Anchor,
  ChiefActionList,
  ChiefCalibration,
  ChiefReReview,
  ChiefReReviewList,
  Exam,
  MAX_MATRIX_PAGE_ROWS,
  Results,
  ScoreMatrix,
  SignOff,
  SlotRoomLog,
  Recusal,
  type ChiefRecusalBody,
  type ChiefReReviewBody,
  type CreateAnchorBody,
  type UnlockBody,
} from '@common/platform';
import { AuditFlagList } from '@common/platform/audit';
import type { Logger } from '../log';
import { PlatformRefusal, type PlatformClient } from '../platform/client';
import { NoContent } from '../platform/response-limits';
import type { PlatformCache } from '../services/platform-cache';
import type { SessionService } from '../services/session-service';
import { hasAcceptedSheet, localTime, writeResultsCsv, writeResultsWorkbook } from './results-file';
import type { ResultsFiles } from './results-files';

const slotPath = (slotId: string) => `/chief/slots/${encodeURIComponent(slotId)}`;
const lockPath = (assignmentId: string) => `/assignments/${encodeURIComponent(assignmentId)}/lock`;

export interface ChiefServiceDeps {
  readonly client: PlatformClient;
  readonly session: SessionService;
  readonly cache: PlatformCache;
  /** Where exported results files are written, to be saved from /media (as downloads). */
  readonly files: ResultsFiles;
  readonly log: Logger;
}

/**
 * The chief examiner's desk on the workstation's side: every chief.* command through the
 * platform with the session's token, the matrix through the cache (the last one shows offline,
 * with its age), the platform's refusals as the contract's codes, and the results file.
 */
export class ChiefService {
  constructor(private readonly deps: ChiefServiceDeps) {}

  /**
   * The slot's matrix, or a page of its rows. Each page is cached under its own key (the slot's id
   * with its offset and limit; the whole matrix under the slot's id alone), so a desk that goes
   * offline shows again every page it had, each with its age.
   */
  async getMatrix(slotId: string, offset?: number, limit?: number): Promise<ChiefMatrixView> {
    const paged = offset !== undefined || limit !== undefined;
    const query = paged ? `?offset=${String(offset ?? 0)}&limit=${String(limit ?? MAX_MATRIX_PAGE_ROWS)}` : '';
    const key = paged ? `${slotId}@${String(offset ?? 0)}+${String(limit ?? MAX_MATRIX_PAGE_ROWS)}` : slotId;
    try {
      const { data, freshness } = await this.deps.cache.fetch('chiefMatrix', key, `${slotPath(slotId)}/matrix${query}`, ScoreMatrix);
      return { matrix: data, freshness };
    } catch (error) {
      throw chiefFailure(error);
    }
  }

  async lock(assignmentId: string): Promise<null> {
    await this.#request('POST', lockPath(assignmentId), NoContent);
    return null;
  }

  async unlock(assignmentId: string, reason: string | undefined): Promise<null> {
    const body: UnlockBody | undefined = reason === undefined ? undefined : { reason };
    await this.#request('DELETE', lockPath(assignmentId), NoContent, body);
    return null;
  }

  requestReReview(assignmentId: string, note: string): Promise<ChiefReReview> {
    const body: ChiefReReviewBody = { assignmentId, note };
    return this.#request('POST', '/chief/re-reviews', ChiefReReview, body);
  }

  getReReviews(slotId: string): Promise<ChiefReReviewList> {
    return this.#request('GET', `${slotPath(slotId)}/re-reviews`, ChiefReReviewList);
  }

  /** The platform's audit flags for the chief's panels (GET /audit-flags); the desk shows a slot's members' own. */
  getAuditFlags(): Promise<AuditFlagList> {
    return this.#request('GET', '/audit-flags', AuditFlagList);
  }

  /**
   * Records a member's recusal from a candidate (POST /chief/recusals), also after their sheet
   * was accepted: it becomes void. The cached pages of the slot's matrix no longer say how it
   * stands, so they are dropped (offline, the desk then has nothing stale to show for them).
   */
  async recordRecusal(slotId: string, body: ChiefRecusalBody): Promise<null> {
    await this.#request('POST', '/chief/recusals', Recusal, body);
    this.#forgetMatrix(slotId);
    return null;
  }

  /** Marks one of the chief's own recorded assignments as an anchor (样卷) with its reference scores (POST /chief/anchors). */
  createAnchor(body: CreateAnchorBody): Promise<Anchor> {
    return this.#request('POST', '/chief/anchors', Anchor, body);
  }

  /** A subject's anchors and every examiner's calibration results (GET …/calibration). */
  getCalibration(examId: string, subjectId: string): Promise<ChiefCalibration> {
    return this.#request('GET', `/chief/exams/${encodeURIComponent(examId)}/subjects/${encodeURIComponent(subjectId)}/calibration`, ChiefCalibration);
  }

  signOff(slotId: string): Promise<SignOff> {
    return this.#request('POST', `${slotPath(slotId)}/sign-off`, SignOff);
  }

  getActions(slotId: string): Promise<ChiefActionList> {
    return this.#request('GET', `${slotPath(slotId)}/actions`, ChiefActionList);
  }

  getRoomLog(slotId: string): Promise<SlotRoomLog> {
    return this.#request('GET', `${slotPath(slotId)}/room-log`, SlotRoomLog);
  }

  /**
   * Fetches the results of the scope and writes them as a file the renderer saves from
   * `/media/<mediaId>`; nothing is written when no candidate has an accepted sheet.
   */
  async export({ scope, format }: ChiefExportInput): Promise<ChiefExportFile> {
    const examinerId = this.deps.session.requireExaminerId();
    const path =
      scope.kind === 'slot'
        ? `${slotPath(scope.slotId)}/results`
        : `/chief/exams/${encodeURIComponent(scope.examId)}/subjects/${encodeURIComponent(scope.subjectId)}/results`;
    const results = await this.#request('GET', path, Results);
    if (!hasAcceptedSheet(results)) {
      throw new ContractFailure('export_empty', 'no candidate in this scope has an accepted sheet: no file was written');
    }
    const exam = await this.#exam(results.examId);
    const timeZone = exam?.timeZone ?? 'UTC';
    const slotLabels = new Map<string, string>();
    for (const slot of exam?.slots ?? []) {
      slotLabels.set(slot.id, `${localTime(slot.startsAt, timeZone).slice(0, 16)}–${localTime(slot.endsAt, timeZone).slice(11, 16)}`);
    }
    const options = { timeZone, slotLabels };
    const bytes = format === 'xlsx' ? await writeResultsWorkbook(results, options) : writeResultsCsv(results, options);
    const slot = scope.kind === 'slot' ? exam?.slots.find((candidate) => candidate.id === scope.slotId) : undefined;
    const fileName = resultsFileName({
      exam: results.examName.zh,
      subject: results.subjectName.zh,
      slot: slot ? localTime(slot.startsAt, timeZone).slice(0, 16).replace(/[-: ]/g, '') : scope.kind === 'slot' ? scope.slotId : null,
      date: localTime(results.generatedAt, timeZone).slice(0, 10).replaceAll('-', ''),
      format,
    });
    const written = this.deps.files.write(examinerId, format, fileName, bytes);
    this.deps.log.info('results file written', { mediaId: written.mediaId, format, bytes: written.bytes, candidates: results.candidates.length });
    return { mediaId: written.mediaId, fileName, bytes: written.bytes, candidates: results.candidates.length };
  }

  /** The exam (its time zone and slot times) for the file; the file is still written without it, in UTC. */
  async #exam(examId: string): Promise<Exam | null> {
    try {
      return (await this.deps.cache.fetch('exam', examId, `/exams/${encodeURIComponent(examId)}`, Exam)).data;
    } catch (error) {
      this.deps.log.warn('the exam of a results file could not be read: its times are written in UTC', { examId, error: String(error) });
      return null;
    }
  }

  /** Drops the cached matrix of a slot: the whole one and every page of it. */
  #forgetMatrix(slotId: string): void {
    const examinerId = this.deps.session.session?.examiner.id;
    if (examinerId === undefined) return;
    for (const key of this.deps.cache.keys(examinerId, 'chiefMatrix')) {
      if (key === slotId || key.startsWith(`${slotId}@`)) this.deps.cache.forget(examinerId, 'chiefMatrix', key);
    }
  }

  async #request<S extends z.ZodType>(method: 'GET' | 'POST' | 'DELETE', path: string, schema: S, body?: unknown): Promise<z.output<S>> {
    try {
      const { data } = await this.deps.client.request({ method, path, schema, token: this.deps.session.requireToken(), ...(body === undefined ? {} : { body }) });
      return data;
    } catch (error) {
      throw chiefFailure(error);
    }
  }
}

/** `成绩_<考试>_<科目>[_<场次>]_<日期>.<ext>`, without characters a file system refuses. */
export function resultsFileName(parts: { exam: string; subject: string; slot: string | null; date: string; format: 'xlsx' | 'csv' }): string {
  const clean = (text: string) => text.replace(/[\\/:*?"<>|\p{Cc}]/gu, '_').trim().slice(0, 40);
  const name = ['成绩', parts.exam, parts.subject, ...(parts.slot ? [parts.slot] : []), parts.date].map(clean).join('_');
  return `${name}.${parts.format}`;
}

/** The platform's refusals of a chief's call as the contract's codes, with the platform's own message. */
export function chiefFailure(error: unknown): unknown {
  if (!(error instanceof PlatformRefusal)) return error;
  const { status, platformCode, message } = error;
  if (status === 403) return new ContractFailure('forbidden', message);
  if (status === 404) return new ContractFailure('not_found', message);
  if (platformCode === 'not_all_accepted') return new ContractFailure('not_all_accepted', message);
  // Signed off already; or an unlock after the sign-off without the reason it then needs.
  if (platformCode === 'already_signed_off' || platformCode === 'signed_off' || platformCode === 'reason_required') {
    return new ContractFailure('signed_off', message);
  }
  // An anchor's reference scores that are not a complete, valid sheet; or a performance that is an anchor already.
  if (platformCode === 'invalid_reference') return new ContractFailure('invalid_reference', message);
  if (platformCode === 'anchor_exists') {
    return new ContractFailure('invalid_reference', `this performance is already an anchor of the subject: choose another (${message})`);
  }
  // The member's recusal from the candidate is already recorded (by them or by a chief).
  if (platformCode === 'already_recused') return new ContractFailure('recused', message);
  if (status === 400 || status === 422) return new ContractFailure('invalid_input', message);
  return error;
}
