import { Alert, Button, Card, Flex, Form, Input, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppInfo, ContractError, ErrorCode, LoginInput, PlatformHealth } from '@common/contract';
import { useNow } from '../format/useNow';
import { ToneTag } from '../theme/ToneTag';
import { call, CallError } from './call';
import { HealthBadge } from './HealthBadge';
import { LanguageSwitch } from './LanguageSwitch';

/** `notice`: why the examiner is here again without signing out (an expired sign-in). */
export function LoginScreen({ info, health, notice }: { info: AppInfo; health: PlatformHealth | undefined; notice?: ErrorCode | null }) {
  const { t } = useTranslation();
  const [error, setError] = useState<ContractError | null>(null);
  // The platform made sign-in wait (too many failed attempts): for how long, and until when on this computer's clock.
  const [wait, setWait] = useState<{ seconds: number; until: number } | null>(null);
  const shown: ErrorCode | null = error?.code ?? notice ?? null;
  const [busy, setBusy] = useState(false);
  const waited = useCallback(() => {
    setWait(null);
    setError(null);
  }, []);

  const submit = async (values: LoginInput) => {
    setBusy(true);
    setError(null);
    try {
      await call('session.login', values);
    } catch (failure) {
      const refused = failure instanceof CallError ? failure.error : { code: 'internal' as const, message: String(failure) };
      setError(refused);
      const seconds = refused.code === 'rate_limited' ? refused.retryAfterSeconds : undefined;
      setWait(seconds === undefined ? null : { seconds, until: Date.now() + seconds * 1000 });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Flex vertical align="center" justify="center" style={{ minHeight: '100vh', padding: 24, background: '#f3f5f8' }}>
      <Card
        style={{ width: 400 }}
        title={
          <Flex vertical>
            <Typography.Title level={3} style={{ margin: 0 }}>
              {t('app.title')}
            </Typography.Title>
            <Typography.Text type="secondary">{t('app.subtitle')}</Typography.Text>
          </Flex>
        }
        extra={<LanguageSwitch />}
      >
        <Flex justify="space-between" style={{ marginBottom: 16 }}>
          <HealthBadge health={health} />
          {info.demo && <ToneTag tone="attention">{t('app.demo')}</ToneTag>}
        </Flex>
        {wait !== null ? (
          <WaitToRetry wait={wait} onWaited={waited} />
        ) : (
          shown && (
            <Alert
              type={error ? 'error' : 'warning'}
              role="alert"
              data-testid="login-error"
              data-code={shown}
              title={t(`errors.${shown}`)}
              style={{ marginBottom: 16 }}
            />
          )
        )}
        <Form<LoginInput> layout="vertical" onFinish={(values) => void submit(values)} requiredMark={false}>
          <Form.Item label={t('login.username')} name="username" rules={[{ required: true, message: t('login.usernameRequired') }]}>
            <Input autoComplete="username" autoFocus />
          </Form.Item>
          <Form.Item label={t('login.password')} name="password" rules={[{ required: true, message: t('login.passwordRequired') }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy} disabled={wait !== null}>
            {t('login.submit')}
          </Button>
        </Form>
        {info.demo && (
          <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0 }}>
            {t('login.demoHint')}
          </Typography.Paragraph>
        )}
      </Card>
    </Flex>
  );
}

/**
 * The platform refuses sign-in for a while after too many failed attempts (429 with Retry-After):
 * how many seconds are left, counting down, until the form may be sent again.
 */
function WaitToRetry({ wait, onWaited }: { wait: { seconds: number; until: number }; onWaited: () => void }) {
  const { t } = useTranslation();
  const now = useNow();
  const left = Math.ceil((wait.until - now) / 1000);
  useEffect(() => {
    if (left <= 0) onWaited();
  }, [left, onWaited]);
  // The shared clock may still hold its last tick, from before the refusal: never more than was said.
  const seconds = Math.min(Math.max(1, left), wait.seconds);
  return (
    <Alert
      type="error"
      role="alert"
      data-testid="login-error"
      data-code="rate_limited"
      data-retry-after={seconds}
      title={t('login.tooManyAttempts', { seconds })}
      style={{ marginBottom: 16 }}
    />
  );
}
