import type { MatrixRow } from '@common/platform/chief';

export interface MatrixFilter {
  /** Only rows with a deviation flagged. */
  readonly flagged: boolean;
  /** Only rows whose counting sheets are not all accepted. */
  readonly notAccepted: boolean;
  /** Part of a candidate code, any case. */
  readonly code: string;
}

export const NO_MATRIX_FILTER: MatrixFilter = { flagged: false, notAccepted: false, code: '' };

export const isFlagged = (row: MatrixRow) => row.cells.some((cell) => cell.flagged);
export const isComplete = (row: MatrixRow) => row.accepted >= row.counting;

/** The rows the filter keeps, in their order; the same array when nothing is filtered. */
export function filterMatrix(rows: readonly MatrixRow[], filter: MatrixFilter): readonly MatrixRow[] {
  const code = filter.code.trim().toUpperCase();
  if (!filter.flagged && !filter.notAccepted && code === '') return rows;
  return rows.filter(
    (row) =>
      (!filter.flagged || isFlagged(row)) &&
      (!filter.notAccepted || !isComplete(row)) &&
      (code === '' || row.candidateCode.toUpperCase().includes(code)),
  );
}
