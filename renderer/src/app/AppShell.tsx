import { Alert, Button, Empty, Flex, Layout, Select, Space, Spin, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppInfo, PlatformHealth, Session } from '@common/contract';
import { ToneTag } from '../theme/ToneTag';
import { ExamDesk } from '../exams/ExamDesk';
import { useExamList } from '../exams/useExams';
import { LiveInterviewHost } from '../live/LiveInterviewHost';
import { SyncStatusBar } from '../sync/SyncStatusBar';
import { HealthBadge } from './HealthBadge';
import { LanguageSwitch } from './LanguageSwitch';
import { requestLogout } from './session-intent';
import { StoreSpaceNotice } from './StoreSpaceNotice';

/** The frame every screen of a signed-in examiner lives in: who, which platform, its state, and the sync status below. */
export function AppShell({ info, health, session }: { info: AppInfo; health: PlatformHealth | undefined; session: Session }) {
  const { t, i18n } = useTranslation();
  const name = session.examiner.displayName;
  const exams = useExamList();
  const [chosen, setChosen] = useState<string | null>(null);
  const list = exams.value?.exams ?? [];
  const examId = chosen ?? list[0]?.id ?? null;
  return (
    <Layout style={{ height: '100vh' }} data-testid="app-shell">
      <Layout.Header style={{ background: '#fff', borderBottom: '1px solid #e5e7eb', paddingInline: 24, height: 56, lineHeight: 'normal' }}>
        <Flex align="center" justify="space-between" style={{ height: '100%' }} gap={16}>
          <Space size="middle">
            <Typography.Title level={1} style={{ margin: 0, fontSize: 20 }}>
              {t('app.title')}
            </Typography.Title>
            {info.demo && <ToneTag tone="attention">{t('app.demo')}</ToneTag>}
            {list.length > 1 && examId && (
              <Select
                aria-label={t('desk.exam')}
                value={examId}
                onChange={setChosen}
                style={{ width: 260 }}
                options={list.map((exam) => {
                  const name = i18n.language === 'en' ? exam.name.en : exam.name.zh;
                  return { value: exam.id, label: exam.test ? `${name} · ${t('desk.testExam')}` : name };
                })}
              />
            )}
          </Space>
          <Space size="large">
            <HealthBadge health={health} />
            <Typography.Text data-testid="signed-in-as">{t('shell.signedInAs', { name })}</Typography.Text>
            <LanguageSwitch />
            <Button onClick={() => void requestLogout()}>{t('shell.logout')}</Button>
          </Space>
        </Flex>
      </Layout.Header>
      <StoreSpaceNotice />
      <Layout.Content style={{ padding: '12px 24px', flex: 1, minHeight: 0, display: 'flex', flexDirection: 'column' }} role="main">
        {exams.error && <Alert type="error" showIcon title={t(`errors.${exams.error.code}`)} />}
        {!exams.value && !exams.error && <Spin description={t('desk.loadingExam')} />}
        {exams.value && examId === null && <Empty description={t('desk.noExams')} />}
        {examId && <ExamDesk key={examId} examId={examId} roles={session.examiner.roles} />}
      </Layout.Content>
      <SyncStatusBar />
      <LiveInterviewHost />
    </Layout>
  );
}
