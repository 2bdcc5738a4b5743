import type { TableColumnsType } from 'antd';
import type { TFunction } from 'i18next';
import type { ReactNode } from 'react';
import type { MatrixMember, MatrixRow } from '@common/platform/chief';
import type { KeyRef } from '../layout/keyed-refs';
import { CandidateCodeCell, formatScore, RowCell, RowProgress, SheetCellView } from './MatrixCells';

const refChanged = (ref: KeyRef, previous: KeyRef) => ref !== previous;
const cell = (show: (row: MatrixRow) => ReactNode) => (_: unknown, ref: KeyRef) => <RowCell code={ref.key}>{show}</RowCell>;

// Wide enough for a state, its total, a technical-issue count, a re-review mark and a deviation flag side by side.
export const MEMBER_COLUMN_WIDTH = 232;

/**
 * The matrix's columns: order, code, one per panel member, the combined score and how many of the
 * counting sheets are accepted. Each cell reads its row itself (RowCell), so the table never
 * re-renders a cell for a change of its row.
 */
export function matrixColumns(t: TFunction, members: readonly MatrixMember[]): TableColumnsType<KeyRef> {
  const columns: TableColumnsType<KeyRef> = [
    { key: 'order', title: t('chief.columns.order'), width: 56, fixed: 'left', render: cell((row) => row.order) },
    { key: 'code', title: t('chief.columns.code'), width: 120, fixed: 'left', render: cell((row) => <CandidateCodeCell code={row.candidateCode} />) },
    ...members.map((member) => ({
      key: `member-${member.memberId}`,
      title: member.isYou ? t('chief.you', { name: member.displayName }) : member.displayName,
      width: MEMBER_COLUMN_WIDTH,
      render: cell((row) => {
        // By id, not by place: a member with no assignment for a candidate has no cell in that row.
        const sheet = row.cells.find((candidate) => candidate.memberId === member.memberId);
        return sheet ? <SheetCellView code={row.candidateCode} cell={sheet} /> : null;
      }),
    })),
    {
      key: 'combined',
      title: t('chief.columns.combined'),
      width: 84,
      render: cell((row) => <strong data-testid="row-combined">{formatScore(row.combined)}</strong>),
    },
    { key: 'progress', title: t('chief.columns.progress'), width: 108, render: cell((row) => <RowProgress row={row} />) },
  ];
  return columns.map((column) => ({ ...column, shouldCellUpdate: refChanged }));
}
