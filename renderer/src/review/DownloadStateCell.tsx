import { Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Assignment } from '@common/platform';

/**
 * Whether the assignment's recordings are on this computer. A placeholder until the downloads
 * of recordings arrive (issue 7), which replace this cell.
 */
export function DownloadStateCell({ assignment }: { assignment: Assignment }) {
  const { t } = useTranslation();
  return (
    <Typography.Text type="secondary" data-testid="download-state" data-recordings={assignment.recordings.length}>
      {t('review.downloadPending')}
    </Typography.Text>
  );
}
