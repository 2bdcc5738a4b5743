import { Button, Empty, Flex, Input, List, Segmented, Typography, type InputRef } from 'antd';
import { useImperativeHandle, useRef, useState, type Ref } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReviewMark } from '@common/platform';
import { MAX_REVIEW_MARKS } from '@common/platform';
import { ToneTag } from '../../theme/ToneTag';
import { formatClock } from './timeline';

export interface MarksPanelHandle {
  /** Starts a mark of this kind at this moment and puts the cursor in its text (the N and V keys). */
  begin(kind: ReviewMark['kind'], atMs: number): void;
}

interface MarksPanelProps {
  readonly marks: readonly ReviewMark[];
  /** Now on the review clock, in seconds. */
  readonly time: number;
  /** A submitted or accepted sheet: its marks are shown, not changed. */
  readonly readOnly: boolean;
  readonly handle: Ref<MarksPanelHandle>;
  onChange(marks: ReviewMark[]): void;
  onJump(atMs: number): void;
}

function newMarkId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return `mk${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * Timestamped notes and violation marks, stored with the score sheet. The moment is taken when
 * the grader starts typing (the playback may go on meanwhile); each mark jumps back to its time.
 */
export function MarksPanel({ marks, time, readOnly, handle, onChange, onJump }: MarksPanelProps) {
  const { t } = useTranslation();
  const [kind, setKind] = useState<ReviewMark['kind']>('note');
  const [text, setText] = useState('');
  const [atMs, setAtMs] = useState<number | null>(null);
  const input = useRef<InputRef>(null);
  const nowMs = Math.round(time * 1000);

  useImperativeHandle(handle, () => ({
    begin(nextKind, at) {
      setKind(nextKind);
      setAtMs(at);
      input.current?.focus();
    },
  }));

  const add = () => {
    const at = atMs ?? nowMs;
    if (readOnly || marks.length >= MAX_REVIEW_MARKS) return;
    onChange([...marks, { id: newMarkId(), kind, atMs: at, text: text.trim() }].sort((a, b) => a.atMs - b.atMs));
    setText('');
    setAtMs(null);
  };

  return (
    <Flex vertical gap={8} data-testid="marks-panel" data-count={marks.length}>
      <Typography.Text strong>{t('player.marks.title')}</Typography.Text>
      {!readOnly && (
        <Flex gap={8} align="center" wrap>
          <Segmented<ReviewMark['kind']>
            value={kind}
            onChange={setKind}
            options={[
              { value: 'note', label: t('player.marks.note') },
              { value: 'violation', label: t('player.marks.violation') },
            ]}
            aria-label={t('player.marks.kind')}
          />
          <Input
            ref={input}
            value={text}
            maxLength={500}
            style={{ flex: 1, minWidth: 180 }}
            placeholder={t('player.marks.placeholder')}
            aria-label={t('player.marks.text')}
            data-testid="mark-text"
            onFocus={() => setAtMs((current) => current ?? nowMs)}
            onChange={(event) => setText(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Enter' && !event.nativeEvent.isComposing) {
                event.preventDefault();
                add();
              }
              if (event.key === 'Escape') {
                event.stopPropagation();
                setAtMs(null);
                setText('');
              }
            }}
          />
          <Button onClick={add} data-testid="add-mark" data-at-ms={atMs ?? nowMs}>
            {t('player.marks.addAt', { time: formatClock((atMs ?? nowMs) / 1000) })}
          </Button>
        </Flex>
      )}
      {marks.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('player.marks.none')} />
      ) : (
        <List
          size="small"
          bordered
          dataSource={[...marks]}
          rowKey={(mark) => mark.id}
          renderItem={(mark) => (
            <List.Item
              data-testid="mark"
              data-kind={mark.kind}
              data-at-ms={mark.atMs}
              actions={
                readOnly
                  ? []
                  : [
                      <Button
                        key="remove"
                        size="small"
                        autoInsertSpace={false}
                        aria-label={t('player.marks.removeAt', { time: formatClock(mark.atMs / 1000) })}
                        onClick={() => onChange(marks.filter((other) => other.id !== mark.id))}
                      >
                        {t('player.marks.remove')}
                      </Button>,
                    ]
              }
            >
              <Flex gap={8} align="center" style={{ minWidth: 0 }}>
                <Button size="small" onClick={() => onJump(mark.atMs)} data-testid="mark-jump" aria-label={t('player.marks.jump', { time: formatClock(mark.atMs / 1000) })}>
                  {formatClock(mark.atMs / 1000)}
                </Button>
                <ToneTag tone={mark.kind === 'violation' ? 'danger' : 'info'}>{t(`player.marks.${mark.kind}`)}</ToneTag>
                <Typography.Text ellipsis={{ tooltip: mark.text }}>{mark.text || '—'}</Typography.Text>
              </Flex>
            </List.Item>
          )}
        />
      )}
    </Flex>
  );
}
