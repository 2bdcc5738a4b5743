import { z } from 'zod';

/**
 * Exams as the platform describes them to an examiner: subjects with their rubric, slots, the
 * panels the examiner sits on, and the rule that combines a panel's scores.
 */

export const Id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_.:-]+$/);

export const LocalizedText = z.object({ zh: z.string().min(1).max(500), en: z.string().min(1).max(500) });
export type LocalizedText = z.infer<typeof LocalizedText>;

export const Criterion = z.object({
  id: Id,
  label: LocalizedText,
  /** The highest value; the lowest is always 0. */
  max: z.number().positive().max(1000),
  /** Values are whole multiples of the step (e.g. 0.5). */
  step: z.number().positive().max(100),
  required: z.boolean(),
});
export type Criterion = z.infer<typeof Criterion>;

/** The most criteria a rubric has, and so the most values a score sheet carries. */
export const MAX_CRITERIA = 50;

/** A closed range of scores, min ≤ max. */
export const ScoreRange = z
  .object({ min: z.number().nonnegative().max(100_000), max: z.number().nonnegative().max(100_000) })
  .refine((range) => range.min <= range.max, { message: 'min is above max' });
export type ScoreRange = z.infer<typeof ScoreRange>;

/**
 * One band of a band-first rubric (分档: 上/中/下, A–E): the examiner picks the band first (keys
 * 1–5 in the rubric's order), then scores inside it. A band bounds the total, some criteria, or
 * both; a criterion it does not name keeps 0..max.
 */
export const Band = z.object({
  id: Id,
  label: LocalizedText,
  total: ScoreRange.optional(),
  criteria: z.record(Id, ScoreRange).optional(),
});
export type Band = z.infer<typeof Band>;

/** The most bands a rubric has: they are picked with the keys 1–5. */
export const MAX_BANDS = 5;

export const Rubric = z.object({
  id: Id,
  version: z.number().int().positive(),
  criteria: z.array(Criterion).min(1).max(MAX_CRITERIA),
  /** Band-first scoring (分档 → 档内打分) when present: every sheet names one band, and fits it. */
  bands: z.array(Band).min(2).max(MAX_BANDS).optional(),
});
export type Rubric = z.infer<typeof Rubric>;

export const SubjectKind = z.enum(['live', 'recorded']);
export type SubjectKind = z.infer<typeof SubjectKind>;

export const Subject = z.object({
  id: Id,
  name: LocalizedText,
  kind: SubjectKind,
  /** The candidate's answering time for this subject, in seconds. */
  answerSeconds: z.number().int().positive(),
  rubric: Rubric,
  /** Preset prompts an examiner can send during a live interview. */
  prompts: z.array(LocalizedText).max(50),
  /**
   * Calibration (试评) must be done before scoring: an examiner scores every anchor of the
   * subject offered to them before the platform accepts their first real sheet in it.
   */
  calibrationRequired: z.boolean().default(false),
  /**
   * Blind listening (拉幕): `open` shows the pictures; `blind_default` opens recordings with the
   * pictures hidden (the grader may show them); `blind_required` never shows them (judged by ear).
   */
  reviewMode: z.enum(['open', 'blind_default', 'blind_required']).default('open'),
});
export type Subject = z.infer<typeof Subject>;

/**
 * How a panel's accepted totals become the candidate's score. `trimmed_mean` drops the highest
 * and the lowest (`drop` of each; with ties only that many values are dropped) and averages
 * the rest; below `drop * 2 + 1` scores it averages all of them.
 */
export const CombineRule = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('trimmed_mean'), drop: z.number().int().min(1).max(3) }),
  z.object({ kind: z.literal('mean') }),
]);
export type CombineRule = z.infer<typeof CombineRule>;

export const Slot = z.object({
  id: Id,
  subjectId: Id,
  kind: SubjectKind,
  startsAt: z.iso.datetime(),
  endsAt: z.iso.datetime(),
  panelId: Id,
});
export type Slot = z.infer<typeof Slot>;

export const Panel = z.object({
  id: Id,
  name: LocalizedText,
  /** How many examiners sit on it; who they are and what they scored is not shown. */
  size: z.number().int().positive(),
  /**
   * Who leads the panel's live interviews (主考): calls, ends, extends, readmits, moves. Null when
   * the panel has none; defaults to null for data cached from older platforms.
   */
  lead: z
    .object({ displayName: z.string().min(1).max(100), isYou: z.boolean() })
    .nullable()
    .default(null),
});
export type Panel = z.infer<typeof Panel>;

export const ExamSummary = z.object({
  id: Id,
  name: LocalizedText,
  /** IANA zone the exam's dates and times are meant in, e.g. Asia/Shanghai. */
  timeZone: z.string().min(1).max(64),
  startsOn: z.iso.date(),
  /**
   * A test exam (模拟/联调考试): its scores decide nothing, so a vendor's conformance check (`npm
   * run conformance`) may submit into it. Absent means a real exam, so an older platform is never
   * taken for a test one.
   */
  test: z.boolean().default(false),
});
export type ExamSummary = z.infer<typeof ExamSummary>;

export const ExamList = z.object({ exams: z.array(ExamSummary) });
export type ExamList = z.infer<typeof ExamList>;

export const Exam = ExamSummary.extend({
  subjects: z.array(Subject),
  /** Only the slots of panels the examiner sits on. */
  slots: z.array(Slot),
  panels: z.array(Panel),
  combineRule: CombineRule,
  /** A total further than this from the panel's combined score triggers a re-review. */
  deviationThreshold: z.number().positive(),
});
export type Exam = z.infer<typeof Exam>;
