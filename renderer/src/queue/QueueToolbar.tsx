import { Button, Flex, Input, Select, Typography } from 'antd';
import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import { QueueState, type Slot, type Subject } from '@common/platform';
import type { QueueFilter } from './filter-queue';

export const ALL_SLOTS = 'all';

interface QueueToolbarProps {
  readonly slots: readonly Slot[];
  readonly slotChoice: string;
  readonly subjects: ReadonlyMap<string, Subject>;
  readonly filter: QueueFilter;
  readonly shown: number;
  readonly total: number;
  readonly callingNext: boolean;
  /** Only the panel's lead calls; others see who does. */
  readonly canCallNext: boolean;
  readonly leadHint: string | null;
  readonly slotLabel: (slot: Slot) => string;
  onSlotChoice(choice: string): void;
  onFilter(filter: QueueFilter): void;
  onCallNext(): void;
}

/** Which slot, which candidates (state, subject, code), and the examiner's main action: call the next one. */
export const QueueToolbar = memo(function QueueToolbar(props: QueueToolbarProps) {
  const { t, i18n } = useTranslation();
  const { filter, onFilter, subjects } = props;
  const subjectIds = [...new Set(props.slots.map((slot) => slot.subjectId))];
  return (
    <Flex gap={12} wrap align="end" data-testid="queue-toolbar">
      <label className="examiner-field">
        <span>{t('queue.slot')}</span>
        <Select
          aria-label={t('queue.slot')}
          data-testid="slot-picker"
          value={props.slotChoice}
          onChange={props.onSlotChoice}
          style={{ width: 260 }}
          options={[
            ...props.slots.map((slot) => ({ value: slot.id, label: props.slotLabel(slot) })),
            ...(props.slots.length > 1 ? [{ value: ALL_SLOTS, label: t('queue.allSlots') }] : []),
          ]}
        />
      </label>
      <label className="examiner-field">
        <span>{t('queue.subject')}</span>
        <Select
          mode="multiple"
          allowClear
          aria-label={t('queue.subject')}
          data-testid="subject-filter"
          placeholder={t('queue.allSubjects')}
          value={[...filter.subjectIds]}
          onChange={(subjectIds: string[]) => onFilter({ ...filter, subjectIds })}
          style={{ minWidth: 160 }}
          options={subjectIds.map((id) => {
            const name = subjects.get(id)?.name;
            return { value: id, label: name ? (i18n.language === 'en' ? name.en : name.zh) : id };
          })}
        />
      </label>
      <label className="examiner-field">
        <span>{t('queue.state')}</span>
        <Select
          mode="multiple"
          allowClear
          aria-label={t('queue.state')}
          data-testid="state-filter"
          placeholder={t('queue.allStates')}
          value={[...filter.states]}
          onChange={(states: QueueState[]) => onFilter({ ...filter, states })}
          style={{ minWidth: 200, maxWidth: 360 }}
          maxTagCount="responsive"
          options={QueueState.options.map((state) => ({ value: state, label: t(`queueState.${state}`) }))}
        />
      </label>
      <label className="examiner-field">
        <span>{t('queue.search')}</span>
        <Input.Search
          aria-label={t('queue.search')}
          data-testid="code-search"
          placeholder={t('queue.searchPlaceholder')}
          allowClear
          value={filter.code}
          onChange={(event) => onFilter({ ...filter, code: event.target.value })}
          style={{ width: 180 }}
        />
      </label>
      <Button type="primary" onClick={props.onCallNext} loading={props.callingNext} disabled={!props.canCallNext} data-testid="call-next">
        {t('queue.callNext')}
      </Button>
      {props.leadHint !== null && (
        <Typography.Text type="secondary" data-testid="queue-lead-hint">
          {props.leadHint}
        </Typography.Text>
      )}
      <Typography.Text type="secondary" data-testid="queue-count" style={{ marginInlineStart: 'auto' }}>
        {t('queue.count', { shown: props.shown, total: props.total })}
      </Typography.Text>
    </Flex>
  );
});
