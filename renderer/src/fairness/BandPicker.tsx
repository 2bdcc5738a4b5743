import { Form, Radio } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { Band } from '@common/platform';

interface BandPickerProps {
  /** The id of the picker's first radio (the one focused when no band is chosen yet). */
  readonly id: string;
  readonly bands: readonly Band[];
  readonly value: string | null;
  readonly disabled: boolean;
  /** The error to show (band missing or unknown), or null. */
  readonly error: string | null;
  onChange(bandId: string): void;
}

/** The text of a band's option: its key, its label, and its total range ("1 上档 80–100"). */
export function bandOptionText(t: TFunction, language: string, band: Band, index: number): string {
  const label = language === 'en' ? band.label.en : band.label.zh;
  const key = String(index + 1);
  return band.total
    ? t('fairness.band.option', { key, label, min: band.total.min, max: band.total.max })
    : t('fairness.band.optionNoTotal', { key, label });
}

/**
 * Band-first scoring's first step (分档): one radio per band of the rubric, in its order, each
 * with its number key. The keys 1–5 are the form's (ScoreSheetForm); arrows move within the
 * group, Tab leaves it for the first criterion.
 */
export function BandPicker({ id, bands, value, disabled, error, onChange }: BandPickerProps) {
  const { t, i18n } = useTranslation();
  return (
    <Form.Item
      label={t('fairness.band.label')}
      required
      validateStatus={error ? 'error' : ''}
      help={error ?? t('fairness.band.hint', { count: bands.length })}
      style={{ marginBottom: 12 }}
    >
      <Radio.Group
        name={`${id}-group`}
        optionType="button"
        buttonStyle="solid"
        value={value}
        disabled={disabled}
        aria-label={t('fairness.band.label')}
        data-testid="band-picker"
        data-band={value ?? ''}
        onChange={(event) => onChange(String(event.target.value))}
      >
        {bands.map((band, index) => (
          <Radio.Button key={band.id} value={band.id} {...(index === 0 && { id })} data-band-id={band.id}>
            {bandOptionText(t, i18n.language, band, index)}
          </Radio.Button>
        ))}
      </Radio.Group>
    </Form.Item>
  );
}
