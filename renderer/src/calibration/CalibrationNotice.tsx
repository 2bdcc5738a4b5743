import { Alert, Button } from 'antd';
import { useTranslation } from 'react-i18next';
import { anchorsLeft, useCalibration } from './useCalibration';

interface CalibrationNoticeProps {
  readonly subjectId: string;
  /** Opens the subject's calibration (the review's 试评 section); no button without it. */
  onOpenCalibration?(): void;
}

/**
 * "Calibrate first": shown while the subject requires calibration (试评) and anchors are left to
 * score, since the platform refuses real sheets until then. Nothing when it is complete, not
 * required, or unknown (a failed read says nothing here: the refusal would say it).
 */
export function CalibrationNotice({ subjectId, onOpenCalibration }: CalibrationNoticeProps) {
  const { t } = useTranslation();
  const { view } = useCalibration(subjectId);
  if (!view || !view.status.required || view.status.complete) return null;
  const count = anchorsLeft(view);
  return (
    <Alert
      type="warning"
      showIcon
      data-testid="calibration-notice"
      data-count={count}
      title={t('calibration.notice', { count })}
      {...(onOpenCalibration && {
        action: (
          <Button size="small" onClick={onOpenCalibration} data-testid="calibration-notice-open">
            {t('calibration.noticeOpen')}
          </Button>
        ),
      })}
    />
  );
}
