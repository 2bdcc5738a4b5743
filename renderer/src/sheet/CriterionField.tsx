import { Form, Input } from 'antd';
import type { KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Criterion } from '@common/platform';
import { stepScore, type FieldProblem } from './sheet-draft';

interface CriterionFieldProps {
  readonly id: string;
  readonly criterion: Criterion;
  readonly text: string;
  readonly problem: FieldProblem | undefined;
  readonly showProblem: boolean;
  readonly disabled: boolean;
  readonly autoFocus: boolean;
  onChange(text: string): void;
}

/**
 * One criterion of the rubric: typed with the number keys (a text field, so that a score over
 * the maximum is shown as wrong rather than silently clamped), the arrow keys step by the
 * criterion's step.
 */
export function CriterionField({ id, criterion, text, problem, showProblem, disabled, autoFocus, onChange }: CriterionFieldProps) {
  const { t, i18n } = useTranslation();
  const label = i18n.language === 'en' ? criterion.label.en : criterion.label.zh;
  const hint = t('sheet.maxHint', { max: criterion.max, step: criterion.step });
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
      help={visible ? t(`sheet.problems.${problem}`, { max: criterion.max, step: criterion.step }) : hint}
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
        onChange={(event) => onChange(event.target.value)}
        onKeyDown={onKeyDown}
        {...maximum}
        style={{ maxWidth: 200 }}
      />
    </Form.Item>
  );
}
