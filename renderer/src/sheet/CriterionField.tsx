import { Form, Input } from 'antd';
import type { KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Criterion, ScoreRange } from '@common/platform';
import { stepScore, type FieldProblem } from './sheet-draft';

interface CriterionFieldProps {
  readonly id: string;
  readonly criterion: Criterion;
  readonly text: string;
  readonly problem: FieldProblem | undefined;
  readonly showProblem: boolean;
  readonly disabled: boolean;
  readonly autoFocus: boolean;
  /** Its range in the chosen band of a band-first rubric; null without a band. */
  readonly bandRange?: ScoreRange | null;
  onChange(text: string): void;
}

/**
 * One criterion of the rubric: typed with the number keys (a text field, so that a score over
 * the maximum is shown as wrong rather than silently clamped), the arrow keys step by the
 * criterion's step. In a band-first rubric the help names its range in the chosen band.
 */
export function CriterionField({ id, criterion, text, problem, showProblem, disabled, autoFocus, bandRange = null, onChange }: CriterionFieldProps) {
  const { t, i18n } = useTranslation();
  const label = i18n.language === 'en' ? criterion.label.en : criterion.label.zh;
  const maxHint = t('sheet.maxHint', { max: criterion.max, step: criterion.step });
  const hint = bandRange ? `${maxHint} · ${t('fairness.band.range', { min: bandRange.min, max: bandRange.max })}` : maxHint;
  const visible = problem !== undefined && (showProblem || problem !== 'missing');
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key !== 'ArrowUp' && event.key !== 'ArrowDown') return;
    event.preventDefault();
    onChange(stepScore(text, criterion, event.key === 'ArrowUp' ? 1 : -1));
  };
  // A read-only sheet shows the maximum in the help line only: a suffix would not be greyed as disabled.
  const maximum = disabled ? {} : { suffix: `/ ${criterion.max}` };
  return (
    <Form.Item
      label={criterion.required ? label : `${label}${t('sheet.optional')}`}
      htmlFor={id}
      required={criterion.required}
      validateStatus={visible ? 'error' : ''}
      help={visible ? t(`sheet.problems.${problem}`, { max: criterion.max, step: criterion.step, min: bandRange?.min ?? 0, bandMax: bandRange?.max ?? criterion.max }) : hint}
      style={{ marginBottom: 12 }}
    >
      <Input
        id={id}
        inputMode="decimal"
        autoComplete="off"
        value={text}
        disabled={disabled}
        autoFocus={autoFocus}
        aria-invalid={visible}
        aria-required={criterion.required}
        data-criterion={criterion.id}
        {...(bandRange && { 'data-band-min': bandRange.min, 'data-band-max': bandRange.max })}
        onChange={(event) => onChange(event.target.value)}
        onKeyDown={onKeyDown}
        {...maximum}
        style={{ maxWidth: 200 }}
      />
    </Form.Item>
  );
}
