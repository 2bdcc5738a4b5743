import { Alert, Flex, Spin, Tabs, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Role } from '@common/platform';
import { ChiefDesk } from '../chief/ChiefDesk';
import { ExamTimeZone } from '../format/ExamTimeZone';
import { LiveQueueScreen } from '../queue/LiveQueueScreen';
import { ReviewScreen } from '../review/ReviewScreen';
import { ToneTag } from '../theme/ToneTag';
import { useReReviews } from '../review/useReReviews';
import { useExam } from './useExams';

type Desk = 'live' | 'review' | 'chief';

/** One exam's work: the live queue, the review queue and, for a chief, the chief's desk; every time in the exam's zone. */
export function ExamDesk({ examId, roles }: { examId: string; roles: readonly Role[] }) {
  const { t, i18n } = useTranslation();
  const { value, error } = useExam(examId);
  const reReviews = useReReviews();
  const [desk, setDesk] = useState<Desk>(roles.includes('examiner') || roles.includes('chief') ? 'live' : 'review');
  if (error) return <Alert type="error" showIcon title={t(`errors.${error.code}`)} />;
  if (!value) return <Spin description={t('desk.loadingExam')} />;
  const { exam, freshness } = value;
  return (
    <ExamTimeZone timeZone={exam.timeZone}>
      <Flex vertical gap={8} style={{ height: '100%', minHeight: 0 }} data-testid="exam-desk" data-exam-id={exam.id}>
        <Flex align="baseline" gap={12} wrap>
          <Typography.Title level={4} style={{ margin: 0 }}>
            {i18n.language === 'en' ? exam.name.en : exam.name.zh}
          </Typography.Title>
          {exam.test && (
            <ToneTag tone="attention" title={t('desk.testExamHint')} data-testid="test-exam-tag">
              {t('desk.testExam')}
            </ToneTag>
          )}
          <Typography.Text type="secondary">{t('desk.timeZone', { zone: exam.timeZone })}</Typography.Text>
          {!freshness.fresh && <ToneTag tone="attention">{t('desk.cached')}</ToneTag>}
        </Flex>
        <Tabs
          className="examiner-desk-tabs"
          activeKey={desk}
          onChange={(key) => setDesk(key === 'review' || key === 'chief' ? key : 'live')}
          destroyOnHidden
          items={[
            { key: 'live', label: t('desk.live'), children: <LiveQueueScreen key={exam.id} exam={exam} /> },
            {
              key: 'review',
              label: reReviews.length > 0 ? t('desk.reviewWithRequests', { count: reReviews.length }) : t('desk.review'),
              children: <ReviewScreen key={exam.id} exam={exam} reReviews={reReviews} />,
            },
            ...(roles.includes('chief') ? [{ key: 'chief', label: t('chief.tab'), children: <ChiefDesk key={exam.id} exam={exam} /> }] : []),
          ]}
        />
      </Flex>
    </ExamTimeZone>
  );
}
