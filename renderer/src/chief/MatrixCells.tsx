import { Flex, Typography } from 'antd';
import { createContext, memo, useCallback, useContext, useSyncExternalStore, type ReactNode } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { Recusal } from '@common/platform';
import type { MatrixCell, MatrixMember, MatrixRow, SheetState } from '@common/platform/chief';
import { ToneTag } from '../theme/ToneTag';
import type { Tone } from '../theme/tones';
import type { MatrixRowSource } from './matrix-feed';

export interface ActiveCell {
  readonly code: string;
  readonly memberId: string;
}

/** What the matrix's cells need besides their row; they read it here. */
export interface MatrixCellContextValue {
  readonly members: readonly MatrixMember[];
  readonly active: ActiveCell | null;
  onSelect(code: string, memberId: string): void;
}

export const MatrixCellContext = createContext<MatrixCellContextValue>({ members: [], active: null, onSelect: () => undefined });

/** Where the cells read their rows from (the matrix's feed). */
export const MatrixRowContext = createContext<MatrixRowSource | null>(null);

export const STATE_TONE: Record<SheetState, Tone> = {
  not_scored: 'neutral',
  saved: 'info',
  submitted: 'progress',
  accepted: 'success',
  recused: 'special',
};

/** A score as the desk shows it: at most two decimals, no trailing zeros. */
export function formatScore(value: number | null | undefined): string {
  if (value === null || value === undefined) return '';
  return String(Math.round(value * 100) / 100);
}

/**
 * A cell's row, read by the cell itself: a push re-renders that row's cells only, while the
 * table (whose virtual body re-renders every visible cell when its data changes) is left alone.
 */
export function RowCell({ code, children }: { code: string; children: (row: MatrixRow) => ReactNode }) {
  const source = useContext(MatrixRowContext);
  const subscribe = useCallback((listener: () => void) => source?.subscribeRow(code, listener) ?? (() => undefined), [source, code]);
  const row = useSyncExternalStore(subscribe, () => source?.getRow(code));
  return row ? children(row) : null;
}

/** The sheet's state, its total once accepted, and its marks: lock, re-review, deviation (never colour alone). */
export const SheetCellView = memo(function SheetCellView({ code, cell }: { code: string; cell: MatrixCell }) {
  const { t } = useTranslation();
  const { members, active, onSelect } = useContext(MatrixCellContext);
  const member = members.find((candidate) => candidate.memberId === cell.memberId);
  const isActive = active?.code === code && active.memberId === cell.memberId;
  const state = t(`chief.state.${cell.state}`);
  const recusal = cell.recusal ? recusalText(t, cell.recusal) : undefined;
  return (
    <Flex
      gap={4}
      align="center"
      wrap={false}
      role="button"
      tabIndex={-1}
      aria-pressed={isActive}
      aria-label={t('chief.cell.label', { code, member: member?.displayName ?? cell.memberId, state })}
      className={isActive ? 'examiner-chief-cell examiner-chief-cell-active' : 'examiner-chief-cell'}
      style={{ cursor: 'pointer', outline: isActive ? '2px solid #1d4ed8' : undefined, borderRadius: 4, padding: '0 2px' }}
      data-testid="matrix-cell"
      data-code={code}
      data-member={cell.memberId}
      data-state={cell.state}
      data-flagged={cell.flagged}
      data-locked={cell.locked}
      data-re-review={cell.reReview}
      data-technical-issues={cell.technicalIssues}
      onClick={(event) => {
        event.stopPropagation();
        onSelect(code, cell.memberId);
      }}
    >
      <ToneTag tone={STATE_TONE[cell.state]} {...(recusal !== undefined && { title: recusal, 'data-testid': 'mark-recused', 'aria-description': recusal })}>
        {state}
        {cell.state === 'accepted' && cell.total !== null && <strong style={{ marginInlineStart: 4 }}>{formatScore(cell.total)}</strong>}
      </ToneTag>
      {cell.technicalIssues > 0 && (
        <ToneTag
          tone="attention"
          title={t('chief.fair.technicalLong', { count: cell.technicalIssues })}
          aria-label={t('chief.fair.technicalLong', { count: cell.technicalIssues })}
          data-testid="mark-technical"
          data-count={cell.technicalIssues}
        >
          {t('chief.fair.technical', { count: cell.technicalIssues })}
        </ToneTag>
      )}
      {cell.locked && (
        <ToneTag tone="attention" title={t('chief.cell.lockedLong')} data-testid="mark-locked">
          {t('chief.cell.locked')}
        </ToneTag>
      )}
      {cell.reReview !== 'none' && (
        <ToneTag tone={cell.reReview === 'open' ? 'info' : 'neutral'} data-testid="mark-re-review">
          {t(cell.reReview === 'open' ? 'chief.cell.reReviewOpen' : 'chief.cell.reReviewAnswered')}
        </ToneTag>
      )}
      {cell.flagged && (
        <ToneTag tone="danger" data-testid="mark-flagged">
          {t('chief.cell.flag', { deviation: formatScore(cell.deviation) })}
        </ToneTag>
      )}
    </Flex>
  );
});

export function CandidateCodeCell({ code }: { code: string }) {
  return (
    <Typography.Text strong data-code={code} style={{ fontFamily: 'monospace' }}>
      {code}
    </Typography.Text>
  );
}

export function RowProgress({ row }: { row: MatrixRow }) {
  const { t } = useTranslation();
  const done = row.accepted >= row.counting;
  const recused = row.cells.filter((cell) => cell.state === 'recused').length;
  return (
    <Flex gap={2} wrap={false}>
      <ToneTag tone={done ? 'success' : 'neutral'} data-testid="row-progress" data-complete={done}>
        {t('chief.progress', { accepted: row.accepted, counting: row.counting })}
      </ToneTag>
      {recused > 0 && (
        <ToneTag tone="special" data-testid="row-recused" data-count={recused}>
          {t('chief.fair.recusedCount', { count: recused })}
        </ToneTag>
      )}
    </Flex>
  );
}

/** A recusal in words: who declared it, the reason, and the note when there is one. */
export function recusalText(t: TFunction, recusal: Recusal): string {
  const reason = t(`chief.fair.reason.${recusal.reason}`);
  return t('chief.fair.recusedTooltip', {
    by: t(`chief.fair.declaredBy.${recusal.declaredBy}`),
    reason: recusal.note ? t('chief.fair.recusedNote', { reason, note: recusal.note }) : reason,
  });
}
