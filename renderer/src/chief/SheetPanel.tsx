import { App, Button, Descriptions, Flex, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MatrixMember, MatrixRow, SignOff } from '@common/platform/chief';
import { asContractError, call } from '../app/call';
import { useTimeFormat } from '../format/useTimeFormat';
import { ToneTag } from '../theme/ToneTag';
import type { RecusalReason } from '@common/platform';
import { formatScore, recusalText, STATE_TONE } from './MatrixCells';
import { RecusalModal } from './RecusalModal';
import { ReasonModal } from './ReasonModal';

interface SheetPanelProps {
  readonly slotId: string;
  readonly row: MatrixRow | undefined;
  readonly member: MatrixMember | undefined;
  readonly signedOff: SignOff | null;
  /** After an action, so the lists of actions and re-reviews are read again. */
  onActed(): void;
}

type Busy = 'lock' | 'unlock' | 're_review' | 'recusal' | null;

/** The selected sheet: its state, version and times, and the chief's actions on it. */
export function SheetPanel({ slotId, row, member, signedOff, onActed }: SheetPanelProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const format = useTimeFormat();
  const [busy, setBusy] = useState<Busy>(null);
  const [asking, setAsking] = useState<'unlock' | 're_review' | 'recusal' | null>(null);
  const cell = row && member ? row.cells.find((candidate) => candidate.memberId === member.memberId) : undefined;
  if (!row || !member || !cell) {
    return (
      <Typography.Text type="secondary" data-testid="sheet-panel-empty">
        {t('chief.sheet.none')}
      </Typography.Text>
    );
  }
  const ref = { slotId, assignmentId: cell.assignmentId };
  const blank = t('chief.sheet.blank');

  const run = async (action: Exclude<Busy, null>, work: () => Promise<unknown>, done: string) => {
    setBusy(action);
    try {
      await work();
      void message.success(done);
      setAsking(null);
      onActed();
    } catch (failure) {
      void message.error(t(`errors.${asContractError(failure).code}`));
    } finally {
      setBusy(null);
    }
  };
  const lock = () => void run('lock', () => call('chief.lock', ref), t('chief.sheet.locked'));
  const unlock = (reason?: string) =>
    void run('unlock', () => call('chief.unlock', { ...ref, ...(reason !== undefined && { reason }) }), t('chief.sheet.unlocked'));
  const reReview = (note: string) =>
    void run('re_review', () => call('chief.requestReReview', { ...ref, note }), t('chief.sheet.reReviewSent', { member: member.displayName }));
  const recuse = (reason: RecusalReason, note: string) =>
    void run('recusal', () => call('chief.recordRecusal', { ...ref, reason, note }), t('chief.fair.recusalDone'));

  return (
    <Flex vertical gap={8} data-testid="sheet-panel" data-code={row.candidateCode} data-member={member.memberId}>
      <Typography.Text strong>{t('chief.sheet.title')}</Typography.Text>
      <Descriptions
        size="small"
        column={1}
        bordered
        items={[
          { key: 'code', label: t('chief.sheet.candidate'), children: row.candidateCode },
          { key: 'member', label: t('chief.sheet.member'), children: member.displayName },
          {
            key: 'state',
            label: t('chief.sheet.state'),
            children: (
              <Flex gap={4} wrap>
                <ToneTag tone={STATE_TONE[cell.state]} data-testid="sheet-state">
                  {t(`chief.state.${cell.state}`)}
                </ToneTag>
                {cell.locked && <ToneTag tone="attention">{t('chief.cell.lockedLong')}</ToneTag>}
              </Flex>
            ),
          },
          { key: 'total', label: t('chief.sheet.total'), children: cell.total === null ? blank : formatScore(cell.total) },
          { key: 'version', label: t('chief.sheet.version'), children: cell.version },
          { key: 'acceptedAt', label: t('chief.sheet.acceptedAt'), children: format.dateTime(cell.acceptedAt) || blank },
          { key: 'firstAcceptedAt', label: t('chief.sheet.firstAcceptedAt'), children: format.dateTime(cell.firstAcceptedAt) || blank },
          {
            key: 'deviation',
            label: t('chief.sheet.deviation'),
            children:
              cell.deviation === null ? blank : cell.flagged ? <ToneTag tone="danger">{t('chief.cell.flag', { deviation: formatScore(cell.deviation) })}</ToneTag> : formatScore(cell.deviation),
          },
          { key: 'reReview', label: t('chief.sheet.reReview'), children: t(`chief.sheet.reReviewState.${cell.reReview}`) },
          ...(cell.recusal
            ? [{ key: 'recusal', label: t('chief.fair.recusal'), children: <span data-testid="sheet-recusal">{recusalText(t, cell.recusal)}</span> }]
            : []),
          ...(cell.technicalIssues > 0
            ? [{ key: 'technical', label: t('chief.fair.technicalIssues'), children: <span data-testid="sheet-technical">{t('chief.fair.technicalLong', { count: cell.technicalIssues })}</span> }]
            : []),
        ]}
      />
      <Flex gap={8} wrap>
        {cell.locked ? (
          <Button loading={busy === 'unlock'} onClick={() => (signedOff ? setAsking('unlock') : unlock())} data-testid="sheet-unlock">
            {t('chief.sheet.unlock')}
          </Button>
        ) : (
          <Button loading={busy === 'lock'} onClick={lock} data-testid="sheet-lock">
            {t('chief.sheet.lock')}
          </Button>
        )}
        <Button disabled={cell.state === 'recused'} onClick={() => setAsking('re_review')} data-testid="sheet-re-review">
          {t('chief.sheet.requestReReview')}
        </Button>
        {cell.state !== 'recused' && (
          <Button danger loading={busy === 'recusal'} onClick={() => setAsking('recusal')} data-testid="sheet-recuse">
            {t('chief.fair.recordRecusal')}
          </Button>
        )}
      </Flex>
      <RecusalModal
        open={asking === 'recusal'}
        member={member.displayName}
        code={row.candidateCode}
        busy={busy === 'recusal'}
        onSubmit={recuse}
        onCancel={() => setAsking(null)}
      />
      <ReasonModal
        open={asking === 'unlock'}
        title={t('chief.sheet.unlockTitle')}
        label={t('chief.sheet.unlockReason')}
        okText={t('chief.sheet.unlock')}
        busy={busy === 'unlock'}
        testId="unlock-reason"
        onSubmit={(reason) => unlock(reason)}
        onCancel={() => setAsking(null)}
      />
      <ReasonModal
        open={asking === 're_review'}
        title={t('chief.sheet.reReviewTitle', { member: member.displayName, code: row.candidateCode })}
        label={t('chief.sheet.reReviewNote')}
        okText={t('chief.sheet.send')}
        busy={busy === 're_review'}
        testId="re-review-note"
        onSubmit={reReview}
        onCancel={() => setAsking(null)}
      />
    </Flex>
  );
}
