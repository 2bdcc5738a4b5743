import { App, Input, Modal, Radio, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { RecusalReason } from '@common/platform';

interface RecusalModalProps {
  readonly open: boolean;
  readonly member: string;
  readonly code: string;
  readonly busy: boolean;
  onSubmit(reason: RecusalReason, note: string): void;
  onCancel(): void;
}

/**
 * 记录回避: the chief records a member's recusal from a candidate, with the reason and a note that
 * must not be blank (it goes into the chiefs' log), after a confirmation: the sheet becomes void.
 */
export function RecusalModal({ open, member, code, busy, onSubmit, onCancel }: RecusalModalProps) {
  const { t } = useTranslation();
  const { modal } = App.useApp();
  const [reason, setReason] = useState<RecusalReason>('relative');
  const [note, setNote] = useState('');
  const [tried, setTried] = useState(false);
  const blank = note.trim().length === 0;
  const submit = () => {
    setTried(true);
    if (blank) return;
    modal.confirm({
      title: t('chief.fair.recusalConfirmTitle'),
      content: t('chief.fair.recusalConfirmBody', { member, code }),
      okText: t('chief.fair.recusalOk'),
      okButtonProps: { danger: true, id: 'recusal-confirm-ok' },
      cancelText: t('common.cancel'),
      onOk: () => onSubmit(reason, note.trim()),
    });
  };
  return (
    <Modal
      open={open}
      title={t('chief.fair.recusalTitle', { member, code })}
      okText={t('chief.fair.recusalOk')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={submit}
      onCancel={onCancel}
      afterClose={() => {
        setReason('relative');
        setNote('');
        setTried(false);
      }}
      destroyOnHidden
      okButtonProps={{ id: 'recusal-ok' }}
    >
      <div style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
        <div role="group" aria-label={t('chief.fair.recusalReason')} style={{ display: 'flex', flexDirection: 'column', gap: 4 }}>
          <span>{t('chief.fair.recusalReason')}</span>
          <Radio.Group
            value={reason}
            onChange={(event) => setReason(event.target.value as RecusalReason)}
            data-testid="recusal-reason"
            options={RecusalReason.options.map((value) => ({ value, label: t(`chief.fair.reason.${value}`) }))}
          />
        </div>
        <label style={{ display: 'flex', flexDirection: 'column', gap: 4 }}>
          <span>{t('chief.fair.recusalNote')}</span>
          <Input.TextArea
            aria-label={t('chief.fair.recusalNote')}
            data-testid="recusal-note"
            value={note}
            maxLength={500}
            autoSize={{ minRows: 2, maxRows: 6 }}
            {...(tried && blank && { status: 'error' as const })}
            onChange={(event) => setNote(event.target.value)}
          />
        </label>
        {tried && blank && (
          <Typography.Text type="danger" data-testid="recusal-note-required">
            {t('chief.sheet.reasonRequired')}
          </Typography.Text>
        )}
      </div>
    </Modal>
  );
}
