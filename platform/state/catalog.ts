import { CombineRule, LocalizedText, Slot, Subject, type Exam, type ExamSummary } from '@common/platform/exams';
import { z } from 'zod';
import type { PlatformDb } from '../db/database';
import type { Accounts } from './accounts';

/** An exam as the platform keeps it: with the panels' members, which examiners never see. */
export const ExamDefinition = z.object({
  id: z.string(),
  name: LocalizedText,
  timeZone: z.string(),
  startsOn: z.iso.date(),
  subjects: z.array(Subject),
  slots: z.array(Slot),
  panels: z.array(
    z.object({
      id: z.string(),
      name: LocalizedText,
      examinerIds: z.array(z.string()).min(1),
      /** Who leads the live interviews when no chief examiner sits on the panel; else the first member. */
      leadId: z.string().optional(),
    }),
  ),
  combineRule: CombineRule,
  deviationThreshold: z.number().positive(),
  /** A test exam (common/platform/exams.ts ExamSummary.test); definitions stored before the flag are real exams. */
  test: z.boolean().default(false),
});
export type ExamDefinition = z.infer<typeof ExamDefinition>;

export type PanelDefinition = ExamDefinition['panels'][number];

export interface SlotContext {
  readonly exam: ExamDefinition;
  readonly slot: Slot;
  readonly subject: Subject;
  readonly panel: PanelDefinition;
}

/**
 * The lead (主考) of a panel's live interviews: its chief examiner (account role `chief`) where
 * it has one, else the member the exam definition names, else the first member.
 */
export function leadOf(panel: PanelDefinition, accounts: Accounts): string | null {
  const chief = panel.examinerIds.find((id) => accounts.profile(id)?.roles.includes('chief') ?? false);
  if (chief !== undefined) return chief;
  if (panel.leadId !== undefined && panel.examinerIds.includes(panel.leadId)) return panel.leadId;
  return panel.examinerIds[0] ?? null;
}

/** Exams, subjects, rubrics, slots and panels; what an examiner may see of them. */
export class Catalog {
  #exams: ExamDefinition[] | null = null;

  constructor(
    private readonly db: PlatformDb,
    private readonly accounts: Accounts,
  ) {}

  /** Adds or replaces an exam; a definition without `test` is a real exam. */
  add(definition: z.input<typeof ExamDefinition>): void {
    const parsed = ExamDefinition.parse(definition);
    this.db.prepare('INSERT OR REPLACE INTO exams (id, definition) VALUES (?, ?)').run(parsed.id, JSON.stringify(parsed));
    this.#exams = null;
  }

  all(): readonly ExamDefinition[] {
    this.#exams ??= (this.db.prepare('SELECT definition FROM exams ORDER BY id').all() as { definition: string }[]).map((row) =>
      ExamDefinition.parse(JSON.parse(row.definition)),
    );
    return this.#exams;
  }

  examsFor(examinerId: string): ExamSummary[] {
    return this.all()
      .filter((exam) => exam.panels.some((panel) => panel.examinerIds.includes(examinerId)))
      .map((exam) => ({ id: exam.id, name: exam.name, timeZone: exam.timeZone, startsOn: exam.startsOn, test: exam.test }));
  }

  /** The exam as this examiner may see it, or null if they sit on none of its panels. */
  examFor(examinerId: string, examId: string): Exam | null {
    const exam = this.all().find((candidate) => candidate.id === examId);
    if (!exam) return null;
    const panels = exam.panels.filter((panel) => panel.examinerIds.includes(examinerId));
    if (panels.length === 0) return null;
    const panelIds = new Set(panels.map((panel) => panel.id));
    return {
      id: exam.id,
      name: exam.name,
      timeZone: exam.timeZone,
      startsOn: exam.startsOn,
      test: exam.test,
      subjects: exam.subjects,
      slots: exam.slots.filter((slot) => panelIds.has(slot.panelId)),
      panels: panels.map((panel) => ({ id: panel.id, name: panel.name, size: panel.examinerIds.length, lead: this.#leadView(panel, examinerId) })),
      combineRule: exam.combineRule,
      deviationThreshold: exam.deviationThreshold,
    };
  }

  slot(slotId: string): SlotContext | null {
    for (const exam of this.all()) {
      const slot = exam.slots.find((candidate) => candidate.id === slotId);
      if (!slot) continue;
      const subject = exam.subjects.find((candidate) => candidate.id === slot.subjectId);
      const panel = exam.panels.find((candidate) => candidate.id === slot.panelId);
      if (!subject || !panel) return null;
      return { exam, slot, subject, panel };
    }
    return null;
  }

  /** The examiner leading the slot's panel, or null (no such slot). */
  leadOfSlot(slotId: string): string | null {
    const context = this.slot(slotId);
    return context ? leadOf(context.panel, this.accounts) : null;
  }

  #leadView(panel: PanelDefinition, examinerId: string): { displayName: string; isYou: boolean } | null {
    const lead = leadOf(panel, this.accounts);
    const profile = lead === null ? null : this.accounts.profile(lead);
    return profile ? { displayName: profile.displayName, isYou: profile.id === examinerId } : null;
  }

  /** True when the examiner sits on the panel of that slot. */
  sitsOn(examinerId: string, slotId: string): boolean {
    return this.slot(slotId)?.panel.examinerIds.includes(examinerId) ?? false;
  }
}
