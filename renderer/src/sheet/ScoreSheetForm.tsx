import { Alert, App, Button, Card, Checkbox, Flex, Form, Input, Skeleton, Space, Statistic, Typography } from 'antd';
import { useEffect, useEffectEvent, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReReviewRequest } from '@common/platform';
import type { Rubric } from '@common/platform';
import { bandOfKey, criterionRange, findBand } from '@common/scoring/bands';
import { maxTotal } from '@common/scoring/rubric';
import { BandPicker } from '../fairness/BandPicker';
import { RecusalAlert } from '../fairness/RecuseButton';
import { TechnicalIssuesField } from '../fairness/TechnicalIssuesField';
import { useTimeFormat } from '../format/useTimeFormat';
import { isTypingTarget } from '../review/player/keys';
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
  /**
   * Now on the sheet's clock in milliseconds, for the moments of technical issues: the review
   * player's current time, or the time since the live interview began.
   */
  readonly currentTimeMs?: () => number;
}

/**
 * The grading form, generated from the subject's rubric, autosaving every change. Used by the
 * review of recorded exams and (beside the live video) by the live interview. Keyboard: number
 * keys type scores, Tab moves on, the arrow keys step, Enter submits after a confirmation,
 * Ctrl+Enter submits from the comment, Esc leaves. A band-first rubric (rubric.bands) starts with
 * its band picker: the keys 1–5 choose the band whenever nothing is being typed, and each
 * criterion then shows (and is checked against) its range in the band. Technical-issue marks
 * (never part of the total) and a recusal's notice belong to a candidate's sheet.
 */
export function ScoreSheetForm(props: ScoreSheetFormProps) {
  return props.model ? <ScoreSheetCard {...props} model={props.model} /> : <OwnScoreSheet {...props} />;
}

function OwnScoreSheet(props: ScoreSheetFormProps) {
  const model = useScoreSheet(props.assignmentId, props.rubric);
  return <ScoreSheetCard {...props} model={model} />;
}

function ScoreSheetCard({ assignmentId, rubric, candidateCode, reReview, onClose, model, currentTimeMs }: ScoreSheetFormProps & { readonly model: ScoreSheetModel }) {
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
  const bands = rubric.bands ?? null;
  const bandId = `sheet-${assignmentId}-band`;
  const band = findBand(rubric, draft.band);
  const loading = model.saveState === 'loading';
  const bandMissing = bands !== null && band === null;
  // A candidate's sheet (useScoreSheet) carries technical issues; an in-memory calibration sheet does not.
  const withIssues = model.recuse !== undefined;

  /** The chosen band's radio, or the first: where a band problem sends the keyboard. */
  const focusBand = () => {
    const checked = root.current?.querySelector<HTMLInputElement>('[data-testid="band-picker"] input:checked');
    (checked ?? document.getElementById(bandId))?.focus();
  };

  // Band-first: the band is the first thing to choose, so the keyboard starts there.
  useEffect(() => {
    if (!loading && bandMissing && editable) focusBand();
    // Only once the sheet has loaded: later the examiner decides where the focus is.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [loading]);

  // The keys 1–5 choose the band while nothing is typed: anywhere in the form, or with the focus
  // nowhere in particular (the page itself), never in a field, a dialog, or an IME composition.
  const chooseBand = useEffectEvent((event: globalThis.KeyboardEvent) => {
    if (!bands || !editable || confirming.current || event.defaultPrevented) return;
    if (event.isComposing || event.ctrlKey || event.metaKey || event.altKey || isTypingTarget(event.target)) return;
    const target = event.target;
    if (!(target instanceof Node) || !(target === document.body || root.current?.contains(target))) return;
    const picked = bandOfKey(rubric, event.key);
    if (!picked) return;
    event.preventDefault();
    if (picked.id !== draft.band) model.edit({ ...draft, band: picked.id });
    // The keyboard follows the choice: Tab then leads from the chosen band to the first score,
    // not from whichever radio had the focus to the next band.
    requestAnimationFrame(() => root.current?.querySelector<HTMLInputElement>(`[data-testid="band-picker"] input[value="${picked.id}"]`)?.focus());
  });
  useEffect(() => {
    if (!bands) return;
    const listener = (event: globalThis.KeyboardEvent) => chooseBand(event);
    document.addEventListener('keydown', listener);
    return () => document.removeEventListener('keydown', listener);
  }, [bands]);

  const requestSubmit = () => {
    if (!editable || inConflict || confirming.current) return;
    if (!check.submittable) {
      setShowAll(true);
      if (check.band !== null) {
        focusBand();
        return;
      }
      const first = rubric.criteria.find((criterion) => check.fields[criterion.id] !== undefined);
      const target = first ? fieldId(first.id) : check.noteMissing ? noteId : null;
      if (target) document.getElementById(target)?.focus();
      else if (check.totalOutsideBand) focusBand();
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

  if (loading) return <Skeleton active data-testid="sheet-loading" />;
  const firstEditable = rubric.criteria[0]?.id;
  return (
    <div
      ref={root}
      tabIndex={-1}
      onKeyDown={onKeyDown}
      data-testid="score-sheet"
      data-status={sheet?.status ?? 'none'}
      data-band={draft.band ?? ''}
      style={{ outline: 'none' }}
    >
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
        {sheet?.status === 'recused' && sheet.recusal && <RecusalAlert recusal={sheet.recusal} />}
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
          {bands && (
            <BandPicker
              id={bandId}
              bands={bands}
              value={band?.id ?? null}
              disabled={!editable}
              error={check.band !== null && (showAll || check.band !== 'band_missing') ? t(`sheet.problems.${check.band}`) : null}
              onChange={(next) => model.edit({ ...draft, band: next })}
            />
          )}
          {rubric.criteria.map((criterion) => (
            <CriterionField
              key={criterion.id}
              id={fieldId(criterion.id)}
              criterion={criterion}
              text={draft.values[criterion.id] ?? ''}
              problem={check.fields[criterion.id]}
              showProblem={showAll}
              disabled={!editable}
              autoFocus={editable && !bandMissing && criterion.id === firstEditable}
              bandRange={band ? criterionRange(rubric, band, criterion.id) : null}
              onChange={(text) => model.edit({ ...draft, values: { ...draft.values, [criterion.id]: text } })}
            />
          ))}
          <Statistic
            title={t('sheet.total')}
            value={check.total}
            suffix={`/ ${maxTotal(rubric)}`}
            data-testid="sheet-total"
            style={{ marginBottom: band?.total ? 0 : 12 }}
          />
          {band?.total && (
            <Typography.Paragraph
              type={check.totalOutsideBand ? 'danger' : 'secondary'}
              role={check.totalOutsideBand ? 'alert' : undefined}
              data-testid="band-total"
              data-outside={check.totalOutsideBand}
              style={{ fontSize: 12, marginBottom: 12 }}
            >
              {check.totalOutsideBand
                ? t('sheet.problems.total_outside_band', { min: band.total.min, max: band.total.max })
                : t('fairness.band.totalRange', { min: band.total.min, max: band.total.max })}
            </Typography.Paragraph>
          )}
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
        {withIssues && (
          <TechnicalIssuesField
            idPrefix={`sheet-${assignmentId}-issue`}
            issues={draft.technicalIssues ?? []}
            readOnly={!editable}
            currentTimeMs={currentTimeMs}
            onChange={(technicalIssues) => model.edit({ ...draft, technicalIssues })}
          />
        )}
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
