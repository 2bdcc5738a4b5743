import { Alert, App, Button, Form, Input, Modal, Radio, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ContractError, RecuseInput, SheetState, SheetStatus } from '@common/contract';
import { RecusalReason, type Recusal } from '@common/platform';
import { asContractError, call } from '../app/call';
import { examiner } from '../bridge';
import { useTimeFormat } from '../format/useTimeFormat';

export type RecuseRequest = Omit<RecuseInput, 'assignmentId'>;

interface RecuseButtonProps {
  readonly candidateCode: string;
  /** Where the sheet stands: the button is offered only before it is submitted (or accepted, or recused). */
  readonly status: SheetStatus | null;
  /** Sends the recusal; throws the refusal. */
  recuse(request: RecuseRequest): Promise<void>;
}

/** Whether a sheet in this status can still be recused by its examiner (later: only a chief records it). */
export function canRecuse(status: SheetStatus | null): boolean {
  return status !== 'submitted' && status !== 'accepted' && status !== 'recused';
}

/**
 * "回避（我认识该考生）": the examiner declares a tie to the candidate — a relative, their own
 * student, or another (with a note) — after reading that the sheet becomes void. A refusal is
 * shown by its error code (a submitted sheet: only the chief can record it).
 */
export function RecuseButton({ candidateCode, status, recuse }: RecuseButtonProps) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState<RecusalReason | null>(null);
  const [note, setNote] = useState('');
  const [tried, setTried] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ContractError | null>(null);
  if (!canRecuse(status)) return null;

  const noteMissing = reason === 'other' && note.trim() === '';
  const close = () => {
    setOpen(false);
    setReason(null);
    setNote('');
    setTried(false);
    setError(null);
  };
  const confirm = async () => {
    setTried(true);
    if (reason === null || noteMissing) return;
    setBusy(true);
    try {
      const trimmed = note.trim();
      await recuse({ reason, ...(trimmed !== '' && { note: trimmed }) });
      close();
      void message.success(t('fairness.recusal.done'));
    } catch (failure) {
      setError(asContractError(failure));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Button danger onClick={() => setOpen(true)} data-testid="recuse-button">
        {t('fairness.recusal.button')}
      </Button>
      <Modal
        open={open}
        title={t('fairness.recusal.title', { code: candidateCode })}
        okText={t('fairness.recusal.confirm')}
        cancelText={t('common.cancel')}
        okButtonProps={{ danger: true, disabled: reason === null, loading: busy }}
        onOk={() => void confirm()}
        onCancel={close}
        destroyOnHidden
        data-testid="recuse-modal"
      >
        <Form layout="vertical" component="div">
          <Form.Item label={t('fairness.recusal.reason')} required>
            <Radio.Group
              name="recusal-reason"
              value={reason}
              onChange={(event) => setReason(event.target.value as RecusalReason)}
              options={RecusalReason.options.map((value) => ({ value, label: t(`fairness.recusal.reasons.${value}`) }))}
              data-testid="recusal-reason"
            />
          </Form.Item>
          {reason === 'other' && (
            <Form.Item
              label={t('fairness.recusal.note')}
              htmlFor="recusal-note"
              required
              {...(tried && noteMissing && { validateStatus: 'error' as const, help: t('fairness.recusal.noteRequired') })}
            >
              <Input.TextArea id="recusal-note" value={note} maxLength={500} autoSize={{ minRows: 2, maxRows: 4 }} aria-required onChange={(event) => setNote(event.target.value)} />
            </Form.Item>
          )}
          <Typography.Paragraph type="warning" data-testid="recusal-void">
            {t('fairness.recusal.void')}
          </Typography.Paragraph>
          {error && <Alert type="error" showIcon title={t(`errors.${error.code}`)} data-testid="recusal-error" data-code={error.code} />}
        </Form>
      </Modal>
    </>
  );
}

/** The recused sheet's notice: the reason, when, and that the sheet is void and read-only. */
export function RecusalAlert({ recusal }: { recusal: Recusal }) {
  const { t } = useTranslation();
  const format = useTimeFormat();
  const reason = t(`fairness.recusal.reasons.${recusal.reason}`);
  const time = format.dateTime(recusal.declaredAt);
  return (
    <Alert
      type="warning"
      showIcon
      data-testid="sheet-recused"
      data-reason={recusal.reason}
      title={t('fairness.recusal.recusedTitle', { reason: recusal.note ? t('fairness.recusal.reasonWithNote', { reason, note: recusal.note }) : reason })}
      description={t(recusal.declaredBy === 'chief' ? 'fairness.recusal.recusedByChief' : 'fairness.recusal.recusedAt', { time })}
    />
  );
}

/**
 * The recusal button for a sheet this screen does not hold (the live interview: the form beside it
 * loads its own): it follows the sheet's status through `sheets.get` and `sheet.changed`, and the
 * form learns of the recusal through `sheet.changed`.
 */
export function StandaloneRecuseButton({ assignmentId, candidateCode }: { assignmentId: string; candidateCode: string }) {
  const [status, setStatus] = useState<SheetStatus | null | undefined>(undefined);
  useEffect(() => {
    let live = true;
    void call('sheets.get', { assignmentId }).then(
      (sheet) => {
        if (live) setStatus((current) => (current === undefined ? (sheet?.status ?? null) : current));
      },
      () => undefined,
    );
    const off = examiner().on('sheet.changed', (sheet: SheetState) => {
      if (live && sheet.assignmentId === assignmentId) setStatus(sheet.status);
    });
    return () => {
      live = false;
      off();
    };
  }, [assignmentId]);
  if (status === undefined) return null;
  return (
    <RecuseButton
      candidateCode={candidateCode}
      status={status}
      recuse={async (request) => {
        const sheet = await call('sheets.recuse', { assignmentId, ...request });
        setStatus(sheet.status);
      }}
    />
  );
}
