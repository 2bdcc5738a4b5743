import type { QueueState } from '@common/platform';
import type { QueueRow } from './queue-store';

export interface QueueFilter {
  /** Empty: every state. */
  readonly states: readonly QueueState[];
  /** Empty: every subject. */
  readonly subjectIds: readonly string[];
  /** Part of a candidate code, any case; blank: every code. */
  readonly code: string;
}

export const NO_FILTER: QueueFilter = { states: [], subjectIds: [], code: '' };

/** The rows that pass the filter, in the order given. */
export function filterQueue(rows: readonly QueueRow[], filter: QueueFilter): readonly QueueRow[] {
  const code = filter.code.trim().toUpperCase();
  if (filter.states.length === 0 && filter.subjectIds.length === 0 && code === '') return rows;
  const states = new Set(filter.states);
  const subjects = new Set(filter.subjectIds);
  return rows.filter(
    (row) =>
      (states.size === 0 || states.has(row.entry.state)) &&
      (subjects.size === 0 || subjects.has(row.subjectId)) &&
      (code === '' || row.entry.candidateCode.toUpperCase().includes(code)),
  );
}
