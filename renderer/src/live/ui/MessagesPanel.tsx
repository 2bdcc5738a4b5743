import { Button, Card, Empty, Flex, Input, List, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ErrorCode, LiveQuickMessage } from '@common/contract';
import type { LocalizedText } from '@common/platform';
import { examiner } from '../../bridge';
import { useTimeFormat } from '../../format/useTimeFormat';

export interface MessagesPanelProps {
  readonly entryId: string;
  readonly messages: readonly LiveQuickMessage[];
  /** The subject's preset prompts. */
  readonly prompts: readonly LocalizedText[];
  /** Prompts go only to a candidate in the room (or called, or interrupted). */
  readonly canPrompt: boolean;
}

type SendState = { readonly kind: 'idle' } | { readonly kind: 'sending' } | { readonly kind: 'sent'; readonly text: string } | { readonly kind: 'failed'; readonly code: ErrorCode };

/**
 * The conversation the platform allows during a live interview: the candidate's quick messages
 * (快捷语) as they arrive, and the examiner's prompts — the subject's presets or free text. A
 * preset goes out in Chinese whatever the examiner's interface language: it is read on the
 * candidate's phone, whose app is Chinese.
 */
export function MessagesPanel({ entryId, messages, prompts, canPrompt }: MessagesPanelProps) {
  const { t, i18n } = useTranslation();
  const format = useTimeFormat();
  const [text, setText] = useState('');
  const [sending, setSending] = useState<SendState>({ kind: 'idle' });

  const send = async (prompt: string) => {
    const trimmed = prompt.trim();
    if (trimmed === '') return;
    setSending({ kind: 'sending' });
    const result = await examiner().invoke('live.prompt', { entryId, text: trimmed });
    if (result.ok) {
      setSending({ kind: 'sent', text: trimmed });
      if (trimmed === text.trim()) setText('');
    } else setSending({ kind: 'failed', code: result.error.code });
  };

  return (
    <Card size="small" title={t('live.messages.title')} data-testid="messages-panel">
      {messages.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('live.messages.none')} />
      ) : (
        <List
          size="small"
          data-testid="live-quick-messages"
          dataSource={[...messages]}
          style={{ maxHeight: 180, overflow: 'auto' }}
          renderItem={(message) => (
            <List.Item key={`${message.at}-${message.device}-${message.messageId}`} data-testid="live-quick-message" data-message-id={message.messageId} data-device={message.device}>
              <Flex vertical>
                <Typography.Text strong>{i18n.language === 'en' ? message.text.en : message.text.zh}</Typography.Text>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('live.messages.from', { device: t(`live.device.${message.device}`), time: format.clock(message.at) })}
                </Typography.Text>
              </Flex>
            </List.Item>
          )}
        />
      )}
      <Typography.Text strong style={{ display: 'block', margin: '12px 0 8px' }}>
        {t('live.messages.prompts')}
      </Typography.Text>
      {prompts.length > 0 && (
        <Flex wrap gap={6} style={{ marginBottom: 8 }} role="group" aria-label={t('live.messages.presets')}>
          {prompts.map((prompt, index) => (
            <Button key={prompt.zh} size="small" disabled={!canPrompt || sending.kind === 'sending'} data-testid={`prompt-preset-${index}`} onClick={() => void send(prompt.zh)}>
              {i18n.language === 'en' ? prompt.en : prompt.zh}
            </Button>
          ))}
        </Flex>
      )}
      <Space.Compact style={{ width: '100%' }}>
        <Input
          value={text}
          maxLength={500}
          placeholder={t('live.messages.freeText')}
          aria-label={t('live.messages.freeText')}
          data-testid="prompt-text"
          disabled={!canPrompt}
          onChange={(event) => setText(event.target.value)}
          onPressEnter={() => void send(text)}
        />
        <Button type="primary" data-testid="prompt-send" disabled={!canPrompt || text.trim() === '' || sending.kind === 'sending'} onClick={() => void send(text)}>
          {t('live.messages.send')}
        </Button>
      </Space.Compact>
      {sending.kind === 'sent' && (
        <Typography.Text type="success" data-testid="prompt-sent" style={{ display: 'block', marginTop: 6, fontSize: 12 }}>
          {t('live.messages.sent', { text: sending.text })}
        </Typography.Text>
      )}
      {sending.kind === 'failed' && (
        <Typography.Text type="danger" data-testid="prompt-failed" style={{ display: 'block', marginTop: 6, fontSize: 12 }}>
          {t('live.messages.failed', { reason: t(`errors.${sending.code}`) })}
        </Typography.Text>
      )}
    </Card>
  );
}
