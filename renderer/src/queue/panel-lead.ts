import type { Exam, Panel } from '@common/platform';

export type PanelLead = Panel['lead'];

/**
 * The lead (主考) of each slot's panel, from the exam: only the lead calls, ends, extends,
 * readmits and moves; the platform refuses anyone else (`not_lead`), and the queue says who leads.
 * Read defensively: an exam cached from before panel leads names none.
 */
export function slotLeads(exam: Exam): ReadonlyMap<string, PanelLead> {
  const panels = new Map(exam.panels.map((panel) => [panel.id, panel.lead ?? null]));
  return new Map(exam.slots.map((slot) => [slot.id, panels.get(slot.panelId) ?? null]));
}
