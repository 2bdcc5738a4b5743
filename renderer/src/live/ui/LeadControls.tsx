import { Button, Input, Modal, Popconfirm, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { EXTENSION_MINUTES, type FailureReason, type QueueEntry } from '@common/platform';

export type LeadAction =
  | { readonly kind: 'extend'; readonly minutes: 1 | 2 | 5; readonly reason?: string }
  | { readonly kind: 'finish' }
  | { readonly kind: 'absent' }
  | { readonly kind: 'readmit'; readonly reason: string };

export interface LeadControlsProps {
  readonly entry: QueueEntry;
  /** The action on its way, so its button shows it. */
  readonly busy: LeadAction['kind'] | null;
  onAction(action: LeadAction): void;
}

const LIVE: readonly QueueEntry['state'][] = ['called', 'in_room', 'interrupted'];
const BEFORE_ENTRY: readonly QueueEntry['state'][] = ['scheduled', 'checked_in', 'face_verified', 'waiting', 'called'];
const READMIT_REASON_MIN = 2;
/** Failures of the interruption rule: the ones a 考务 decision may undo. */
const READMITTABLE: readonly FailureReason[] = ['too_many_interruptions', 'interruption_timeout'];

/**
 * The lead's (主考) controls of one interview: extend the answering time, end the interview
 * (after a confirmation), mark absent before the candidate entered, and let a candidate failed
 * by the interruption rule back in with a required reason. Shown to the lead only; the platform
 * refuses them to anyone else (`not_lead`) and the caller shows each refusal.
 */
export function LeadControls({ entry, busy, onAction }: LeadControlsProps) {
  const { t } = useTranslation();
  const [readmitOpen, setReadmitOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [extendReason, setExtendReason] = useState('');
  const extendWhy = extendReason.trim();
  const live = LIVE.includes(entry.state);
  const code = entry.candidateCode;
  const reasonOk = reason.trim().length >= READMIT_REASON_MIN;

  return (
    <Space wrap data-testid="lead-controls" aria-label={t('live.lead.title')}>
      {live &&
        EXTENSION_MINUTES.map((minutes) => (
          <Button
            key={minutes}
            size="small"
            loading={busy === 'extend'}
            onClick={() => {
              // The reason is for the exam-room log; one of a single character says nothing and is left out.
              onAction({ kind: 'extend', minutes, ...(extendWhy.length >= READMIT_REASON_MIN && { reason: extendWhy }) });
              setExtendReason('');
            }}
            data-testid={`lead-extend-${minutes}`}
          >
            {t('live.lead.extend', { minutes })}
          </Button>
        ))}
      {live && (
        <Input
          size="small"
          value={extendReason}
          onChange={(event) => setExtendReason(event.target.value)}
          maxLength={500}
          placeholder={t('live.lead.extendReason')}
          aria-label={t('live.lead.extendReason')}
          style={{ width: 200 }}
          data-testid="lead-extend-reason"
        />
      )}
      {BEFORE_ENTRY.includes(entry.state) && (
        <Popconfirm
          title={t('live.lead.absentConfirm', { code })}
          okText={t('live.lead.absent')}
          cancelText={t('common.cancel')}
          onConfirm={() => onAction({ kind: 'absent' })}
        >
          <Button size="small" danger loading={busy === 'absent'} data-testid="lead-mark-absent">
            {t('live.lead.absent')}
          </Button>
        </Popconfirm>
      )}
      {entry.state === 'failed' && entry.failureReason !== null && READMITTABLE.includes(entry.failureReason) && (
        <Button size="small" loading={busy === 'readmit'} onClick={() => setReadmitOpen(true)} data-testid="lead-readmit">
          {t('live.lead.readmit')}
        </Button>
      )}
      <Modal
        open={readmitOpen}
        title={t('live.lead.readmitTitle', { code })}
        onCancel={() => setReadmitOpen(false)}
        footer={[
          <Button key="cancel" onClick={() => setReadmitOpen(false)}>
            {t('common.cancel')}
          </Button>,
          <Button
            key="ok"
            type="primary"
            disabled={!reasonOk}
            data-testid="readmit-confirm"
            onClick={() => {
              onAction({ kind: 'readmit', reason: reason.trim() });
              setReadmitOpen(false);
              setReason('');
            }}
          >
            {t('live.lead.readmit')}
          </Button>,
        ]}
        destroyOnHidden
      >
        <Typography.Paragraph>{t('live.lead.readmitReason')}</Typography.Paragraph>
        <Input.TextArea
          value={reason}
          onChange={(event) => setReason(event.target.value)}
          maxLength={500}
          autoSize={{ minRows: 2, maxRows: 6 }}
          aria-label={t('live.lead.readmitReason')}
          data-testid="readmit-reason"
        />
        {!reasonOk && reason.length > 0 && <Typography.Text type="danger">{t('live.lead.readmitReasonRequired')}</Typography.Text>}
      </Modal>
    </Space>
  );
}
