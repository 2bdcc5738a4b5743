import { Input, Modal, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

interface ReasonModalProps {
  readonly open: boolean;
  readonly title: string;
  readonly label: string;
  readonly okText: string;
  readonly busy: boolean;
  readonly testId: string;
  onSubmit(reason: string): void;
  onCancel(): void;
}

/** Asks for a reason that must not be blank (a re-review's note, an unlock after the sign-off). */
export function ReasonModal({ open, title, label, okText, busy, testId, onSubmit, onCancel }: ReasonModalProps) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [tried, setTried] = useState(false);
  const blank = text.trim().length === 0;
  const submit = () => {
    setTried(true);
    if (!blank) onSubmit(text.trim());
  };
  return (
    <Modal
      open={open}
      title={title}
      okText={okText}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      onOk={submit}
      onCancel={onCancel}
      afterClose={() => {
        setText('');
        setTried(false);
      }}
      destroyOnHidden
      okButtonProps={{ id: `${testId}-ok` }}
    >
      <label style={{ display: 'flex', flexDirection: 'column', gap: 4 }}>
        <span>{label}</span>
        <Input.TextArea
          aria-label={label}
          data-testid={`${testId}-text`}
          value={text}
          maxLength={500}
          autoSize={{ minRows: 2, maxRows: 6 }}
          {...(tried && blank && { status: 'error' as const })}
          onChange={(event) => setText(event.target.value)}
        />
      </label>
      {tried && blank && (
        <Typography.Text type="danger" data-testid={`${testId}-required`}>
          {t('chief.sheet.reasonRequired')}
        </Typography.Text>
      )}
    </Modal>
  );
}
