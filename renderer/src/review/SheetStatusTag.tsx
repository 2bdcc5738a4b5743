import { useTranslation } from 'react-i18next';
import type { SheetStatus } from '@common/contract';
import { ToneTag } from '../theme/ToneTag';
import type { Tone } from '../theme/tones';

const TONE: Record<SheetStatus | 'unscored', Tone> = {
  unscored: 'neutral',
  draft: 'info',
  submitted: 'attention',
  accepted: 'success',
  conflict: 'danger',
  rejected: 'danger',
  recused: 'neutral',
};

/** Unscored, scored (not submitted), submitted (on its way), accepted, in trouble, or recused (回避: void). */
export function SheetStatusTag({ status }: { status: SheetStatus | null }) {
  const { t } = useTranslation();
  const key = status ?? 'unscored';
  return (
    <ToneTag tone={TONE[key]} data-status={key}>
      {t(`sheetStatus.${key}`)}
    </ToneTag>
  );
}
