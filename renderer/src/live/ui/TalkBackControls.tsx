import { Alert, Button, Card, Flex, Select, Switch, Tag, Typography } from 'antd';
import { useEffect, useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { installPushToTalkKey } from '../talk/ptt-key';
import type { TalkBack } from '../talk/talk-back';

/**
 * Talk-back: hold the button (or the T key, never while typing) to speak to the candidate, or
 * switch the open mic on; pick the microphone and watch its level. Only sound is ever sent.
 */
export function TalkBackControls({ talk, enabled }: { talk: TalkBack; enabled: boolean }) {
  const { t } = useTranslation();
  const state = useSyncExternalStore(talk.subscribe, talk.getSnapshot);
  const usable = enabled && state.mic === 'on';

  useEffect(() => {
    if (!enabled) return;
    return installPushToTalkKey(window, (held) => talk.setPushToTalk(held));
  }, [talk, enabled]);

  const hold = (held: boolean) => {
    if (usable || !held) talk.setPushToTalk(held);
  };
  const level = Math.round(state.level * 100);

  return (
    <Card
      size="small"
      title={t('live.talk.title')}
      data-testid="talk-back"
      data-mic={state.mic}
      data-talking={state.talking}
      data-voice={state.voice}
      extra={
        <Tag color={state.voice === 'connected' ? 'green' : 'default'} data-testid="talk-voice-state">
          {t(`live.talk.voice.${state.voice}`)}
        </Tag>
      }
    >
      <Flex vertical gap={8}>
        {state.mic === 'failed' && <Alert type="error" showIcon data-testid="talk-mic-error" title={t('live.talk.micFailed', { reason: state.micError ?? '' })} />}
        {state.mic === 'starting' && <Typography.Text type="secondary">{t('live.talk.micStarting')}</Typography.Text>}
        <Flex align="center" gap={8} wrap>
          <Button
            type={state.pushToTalk ? 'primary' : 'default'}
            danger={state.talking}
            disabled={!usable}
            aria-pressed={state.pushToTalk}
            title={t('live.talk.pushToTalkHint')}
            data-testid="push-to-talk"
            onPointerDown={(event) => {
              event.currentTarget.setPointerCapture?.(event.pointerId);
              hold(true);
            }}
            onPointerUp={() => hold(false)}
            onPointerCancel={() => hold(false)}
            onLostPointerCapture={() => hold(false)}
            onKeyDown={(event) => {
              if ((event.key === ' ' || event.key === 'Enter') && !event.repeat) {
                event.preventDefault();
                hold(true);
              }
            }}
            onKeyUp={(event) => {
              if (event.key === ' ' || event.key === 'Enter') hold(false);
            }}
            onBlur={() => hold(false)}
          >
            {t('live.talk.pushToTalk')}
            <Typography.Text keyboard style={{ marginInlineStart: 4 }}>
              T
            </Typography.Text>
          </Button>
          <Switch checked={state.openMic} disabled={!usable} onChange={(on) => talk.setOpenMic(on)} data-testid="open-mic" aria-label={t('live.talk.openMic')} />
          <Typography.Text>{t('live.talk.openMic')}</Typography.Text>
          <Tag color={state.talking ? 'red' : 'default'} data-testid="talk-state">
            {t(state.talking ? 'live.talk.talking' : 'live.talk.silent')}
          </Tag>
        </Flex>
        <Flex align="center" gap={8}>
          <Select
            style={{ flex: 1, minWidth: 160 }}
            size="small"
            aria-label={t('live.talk.microphone')}
            data-testid="mic-picker"
            value={state.deviceId ?? ''}
            disabled={!enabled}
            onChange={(value: string) => void talk.chooseMicrophone(value === '' ? null : value)}
            options={[{ value: '', label: t('live.talk.defaultMicrophone') }, ...state.inputs.map((input) => ({ value: input.deviceId, label: input.label }))]}
          />
          <div
            role="meter"
            aria-label={t('live.talk.level')}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={level}
            data-testid="mic-level"
            style={{ width: 80, height: 8, background: '#e6e6e6', borderRadius: 4, overflow: 'hidden' }}
          >
            <div style={{ width: `${level}%`, height: '100%', background: state.talking ? '#52c41a' : '#999' }} />
          </div>
        </Flex>
      </Flex>
    </Card>
  );
}
