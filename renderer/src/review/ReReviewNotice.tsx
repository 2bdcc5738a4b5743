import { Alert, Button } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ReReviewRequest } from '@common/platform';

interface ReReviewNoticeProps {
  readonly request: ReReviewRequest;
  readonly candidateCode: string;
  readonly subjectName: string;
  onOpen?(): void;
}

/**
 * Which sheet is to be looked at again, and why: how far its total is from the panel's combined
 * score and the threshold (the platform's request), or the chief examiner's note. Never what the
 * other examiners gave.
 */
export function ReReviewNotice({ request, candidateCode, subjectName, onOpen }: ReReviewNoticeProps) {
  const { t } = useTranslation();
  return (
    <Alert
      type="warning"
      showIcon
      data-testid="re-review"
      data-assignment-id={request.assignmentId}
      title={t('reReview.title')}
      description={
        <>
          {request.reason === 'deviation'
            ? t('reReview.line', { code: candidateCode, subject: subjectName, deviation: request.deviation, threshold: request.threshold })
            : t('reReview.chiefLine', { code: candidateCode, subject: subjectName, note: request.note })}
          <br />
          {t('reReview.hint')}
        </>
      }
      {...(onOpen && {
        action: (
          <Button size="small" onClick={onOpen}>
            {t('reReview.open')}
          </Button>
        ),
      })}
    />
  );
}
