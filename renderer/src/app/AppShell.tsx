import { Button, Card, Descriptions, Flex, Layout, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { AppInfo, PlatformHealth, Session } from '@common/contract';
import { call } from './call';
import { HealthBadge } from './HealthBadge';
import { LanguageSwitch } from './LanguageSwitch';

/** The frame every screen of a signed-in examiner lives in: who, which platform, its state. */
export function AppShell({ info, health, session }: { info: AppInfo; health: PlatformHealth | undefined; session: Session }) {
  const { t, i18n } = useTranslation();
  const name = session.examiner.displayName;
  return (
    <Layout style={{ minHeight: '100vh' }} data-testid="app-shell">
      <Layout.Header style={{ background: '#fff', borderBottom: '1px solid #e5e7eb', paddingInline: 24 }}>
        <Flex align="center" justify="space-between" style={{ height: '100%' }}>
          <Space size="middle">
            <Typography.Title level={4} style={{ margin: 0 }}>
              {t('app.title')}
            </Typography.Title>
            {info.demo && <Tag color="gold">{t('app.demo')}</Tag>}
          </Space>
          <Space size="large">
            <HealthBadge health={health} />
            <Typography.Text data-testid="signed-in-as">{t('shell.signedInAs', { name })}</Typography.Text>
            <LanguageSwitch />
            <Button onClick={() => void call('session.logout', {}).catch(() => undefined)}>{t('shell.logout')}</Button>
          </Space>
        </Flex>
      </Layout.Header>
      <Layout.Content style={{ padding: 24 }}>
        <Card title={t('shell.welcome', { name })} style={{ maxWidth: 720 }}>
          <Descriptions column={1} size="small">
            <Descriptions.Item label={t('shell.roles')}>
              {session.examiner.roles.map((role) => (
                <Tag key={role}>{t(`roles.${role}`)}</Tag>
              ))}
            </Descriptions.Item>
            <Descriptions.Item label={t('shell.platform')}>{info.platformOrigin ?? t('health.unconfigured')}</Descriptions.Item>
            <Descriptions.Item label={t('shell.host')}>
              {info.host === 'electron' ? t('shell.hostElectron') : t('shell.hostBrowser')}
            </Descriptions.Item>
            <Descriptions.Item label={t('shell.version')}>{info.version}</Descriptions.Item>
            <Descriptions.Item label={t('shell.sessionExpires')}>
              {new Date(session.expiresAt).toLocaleString(i18n.language)}
            </Descriptions.Item>
          </Descriptions>
        </Card>
      </Layout.Content>
    </Layout>
  );
}
