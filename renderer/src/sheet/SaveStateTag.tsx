import { useTranslation } from 'react-i18next';
import { ToneTag } from '../theme/ToneTag';
import type { Tone } from '../theme/tones';
import type { SaveState } from './useScoreSheet';

const TONE: Record<SaveState, Tone> = {
  loading: 'neutral',
  idle: 'neutral',
  invalid: 'attention',
  saving: 'progress',
  saved: 'info',
  sending: 'attention',
  accepted: 'success',
  conflict: 'danger',
  rejected: 'danger',
  failed: 'danger',
  recused: 'neutral',
};

/** Where the sheet stands, announced to screen readers as it changes. */
export function SaveStateTag({ state }: { state: SaveState }) {
  const { t } = useTranslation();
  return (
    <span role="status" aria-live="polite" data-testid="save-state" data-state={state}>
      <ToneTag tone={TONE[state]}>{state === 'recused' ? t('fairness.recusal.saveState') : t(`sheet.save.${state}`)}</ToneTag>
    </span>
  );
}
