import { useTranslation } from 'react-i18next';
import type { QueueState } from '@common/platform';
import { ToneTag } from '../theme/ToneTag';
import type { Tone } from '../theme/tones';

const TONE: Record<QueueState, Tone> = {
  scheduled: 'neutral',
  checked_in: 'progress',
  face_verified: 'progress',
  manual_review: 'special',
  waiting: 'info',
  called: 'attention',
  in_room: 'success',
  interrupted: 'danger',
  finished: 'neutral',
  absent: 'neutral',
  failed: 'danger',
};

export function QueueStateTag({ state }: { state: QueueState }) {
  const { t } = useTranslation();
  return (
    <ToneTag tone={TONE[state]} data-state={state}>
      {t(`queueState.${state}`)}
    </ToneTag>
  );
}
