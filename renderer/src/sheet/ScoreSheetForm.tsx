import { Alert, App, Button, Card, Checkbox, Flex, Form, Input, Skeleton, Space, Statistic, Typography } from 'antd';
import { useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReReviewRequest } from '@common/platform';
import type { Rubric } from '@common/platform';
import { maxTotal } from '@common/scoring/rubric';
import { useTimeFormat } from '../format/useTimeFormat';
import { ConflictPanel } from './ConflictPanel';
import { CriterionField } from './CriterionField';
import { SaveStateTag } from './SaveStateTag';
import { useScoreSheet, type ScoreSheetModel } from './useScoreSheet';

export interface ScoreSheetFormProps {
  readonly assignmentId: string;
  readonly rubric: Rubric;
  /** Shown in the confirmation, so the examiner knows whose score they submit. */
  readonly candidateCode?: string;
  /** An open re-review request for this sheet: it may be reopened once accepted. */
  readonly reReview?: ReReviewRequest | null;
  /** Esc: leave the form (nothing is lost, every change is saved). */
  onClose?(): void;
  /**
   * The sheet, when the caller shares it with something else that edits it (the review player's
   * marks); otherwise the form loads and autosaves it itself.
   */
  readonly model?: ScoreSheetModel;
}

/**
 * The grading form, generated from the subject's rubric, autosaving every change. Used by the
 * review of recorded exams and (beside the live video) by the live interview. Keyboard: number
 * keys type scores, Tab moves on, the arrow keys step, Enter submits after a confirmation,
 * Ctrl+Enter submits from the comment, Esc leaves.
 */
export function ScoreSheetForm(props: ScoreSheetFormProps) {
  return props.model ? <ScoreSheetCard {...props} model={props.model} /> : <OwnScoreSheet {...props} />;
}

function OwnScoreSheet(props: ScoreSheetFormProps) {
  const model = useScoreSheet(props.assignmentId, props.rubric);
  return <ScoreSheetCard {...props} model={model} />;
}

function ScoreSheetCard({ assignmentId, rubric, candidateCode, reReview, onClose, model }: ScoreSheetFormProps & { readonly model: ScoreSheetModel }) {
  const { t } = useTranslation();
  const { modal } = App.useApp();
  const format = useTimeFormat();
  const { draft, check, sheet } = model;
  const [showAll, setShowAll] = useState(false);
  const confirming = useRef(false);
  const root = useRef<HTMLDivElement>(null);
  const fieldId = (criterionId: string) => `sheet-${assignmentId}-${criterionId}`;
  const noteId = `sheet-${assignmentId}-note`;
  const locked = model.lock !== null;
  const editable = !model.readOnly && !locked && model.saveState !== 'loading';
  const inConflict = sheet?.status === 'conflict';

  const requestSubmit = () => {
    if (!editable || inConflict || confirming.current) return;
    if (!check.submittable) {
      setShowAll(true);
      const first = rubric.criteria.find((criterion) => check.fields[criterion.id] !== undefined);
      const target = first ? fieldId(first.id) : check.noteMissing ? noteId : null;
      if (target) document.getElementById(target)?.focus();
      return;
    }
    confirming.current = true;
    modal.confirm({
      title: t('sheet.confirmTitle', { code: candidateCode ?? '' }),
      content: t('sheet.confirmBody', { total: check.total }),
      okText: t('sheet.confirmOk'),
      cancelText: t('common.cancel'),
      focusable: { autoFocusButton: 'ok' },
      onOk: async () => {
        await model.submit();
      },
      afterClose: () => {
        confirming.current = false;
        root.current?.focus();
      },
    });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (confirming.current) return;
    const target = event.target as HTMLElement;
    if (event.key === 'Escape' && onClose) {
      event.preventDefault();
      onClose();
      return;
    }
    if (event.key !== 'Enter' || event.nativeEvent.isComposing) return;
    if (target instanceof HTMLButtonElement) return;
    if (target instanceof HTMLTextAreaElement && !(event.ctrlKey || event.metaKey)) return;
    event.preventDefault();
    requestSubmit();
  };

  if (model.saveState === 'loading') return <Skeleton active data-testid="sheet-loading" />;
  const firstEditable = rubric.criteria[0]?.id;
  return (
    <div ref={root} tabIndex={-1} onKeyDown={onKeyDown} data-testid="score-sheet" data-status={sheet?.status ?? 'none'} style={{ outline: 'none' }}>
      <Card
        title={t('sheet.title')}
        extra={<SaveStateTag state={model.saveState} />}
        styles={{ body: { display: 'flex', flexDirection: 'column', gap: 12 } }}
      >
        {model.error && <Alert type="error" showIcon title={t(`errors.${model.error.code}`)} data-testid="sheet-error" />}
        {sheet?.status === 'rejected' && sheet.error && (
          <Alert type="error" showIcon title={t('sheet.rejectedHint')} description={sheet.error.message} data-testid="sheet-rejected" />
        )}
        {sheet?.status === 'accepted' && (
          <Alert
            type="success"
            showIcon
            data-testid="sheet-accepted"
            title={t('sheet.acceptedAt', { version: sheet.acceptedVersion ?? '', time: format.dateTime(sheet.acceptedAt) })}
            {...(reReview && {
              action: (
                <Button size="small" onClick={() => void model.reopen()} data-testid="reopen-sheet">
                  {t('reReview.reopen')}
                </Button>
              ),
            })}
          />
        )}
        {sheet?.status === 'submitted' && <Alert type="info" showIcon title={t('sheet.readOnly')} />}
        {model.lock && (
          <Alert
            type="warning"
            showIcon
            data-testid="sheet-locked"
            data-signed-off={model.lock.signedOff}
            title={t(model.lock.signedOff ? 'sheet.lockedSignedOff' : 'sheet.lockedByChief')}
            description={t('sheet.lockedHint')}
          />
        )}
        {inConflict && sheet && <ConflictPanel sheet={sheet} rubric={rubric} mineUsable={check.submittable} onResolve={model.resolve} />}
        <Form layout="vertical" component="div" requiredMark disabled={!editable}>
          {rubric.criteria.map((criterion) => (
            <CriterionField
              key={criterion.id}
              id={fieldId(criterion.id)}
              criterion={criterion}
              text={draft.values[criterion.id] ?? ''}
              problem={check.fields[criterion.id]}
              showProblem={showAll}
              disabled={!editable}
              autoFocus={editable && criterion.id === firstEditable}
              onChange={(text) => model.edit({ ...draft, values: { ...draft.values, [criterion.id]: text } })}
            />
          ))}
          <Statistic
            title={t('sheet.total')}
            value={check.total}
            suffix={`/ ${maxTotal(rubric)}`}
            data-testid="sheet-total"
            style={{ marginBottom: 12 }}
          />
          <Form.Item label={t('sheet.comment')} htmlFor={`sheet-${assignmentId}-comment`}>
            <Input.TextArea
              id={`sheet-${assignmentId}-comment`}
              value={draft.comment}
              maxLength={2000}
              autoSize={{ minRows: 2, maxRows: 6 }}
              onChange={(event) => model.edit({ ...draft, comment: event.target.value })}
            />
          </Form.Item>
          <Form.Item style={{ marginBottom: 8 }}>
            <Checkbox
              checked={draft.violation.flagged}
              onChange={(event) => model.edit({ ...draft, violation: { ...draft.violation, flagged: event.target.checked } })}
              data-testid="violation-flag"
            >
              {t('sheet.violation')}
            </Checkbox>
          </Form.Item>
          {draft.violation.flagged && (
            <Form.Item
              label={t('sheet.violationNote')}
              htmlFor={noteId}
              required
              {...(check.noteMissing && showAll && { validateStatus: 'error' as const, help: t('sheet.violationNoteRequired') })}
            >
              <Input.TextArea
                id={noteId}
                value={draft.violation.note}
                maxLength={2000}
                autoSize={{ minRows: 2, maxRows: 6 }}
                aria-required
                aria-invalid={check.noteMissing && showAll}
                onChange={(event) => model.edit({ ...draft, violation: { ...draft.violation, note: event.target.value } })}
              />
            </Form.Item>
          )}
        </Form>
        <Flex justify="space-between" align="center" wrap gap={8}>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {t('sheet.keyboardHint')}
          </Typography.Text>
          <Space>
            {onClose && <Button onClick={onClose}>{t('sheet.back')}</Button>}
            {(editable || (locked && !model.readOnly)) && !inConflict && (
              <Button type="primary" onClick={requestSubmit} disabled={locked} data-testid="submit-sheet">
                {t('sheet.submit')}
              </Button>
            )}
          </Space>
        </Flex>
      </Card>
    </div>
  );
}
