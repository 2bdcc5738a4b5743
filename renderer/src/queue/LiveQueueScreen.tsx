import { Empty } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Exam, Slot } from '@common/platform';
import { NO_FILTER, type QueueFilter } from './filter-queue';
import { ALL_SLOTS } from './QueueToolbar';
import { QueueView } from './QueueView';

/** The slot running now, else the next one, else the last one. */
export function currentSlot(slots: readonly Slot[], now: number): Slot | undefined {
  return (
    slots.find((slot) => Date.parse(slot.startsAt) <= now && now < Date.parse(slot.endsAt)) ??
    slots.find((slot) => Date.parse(slot.startsAt) > now) ??
    slots.at(-1)
  );
}

/** Exam → slot → candidates: picks the live slot (the one running now by default) and keeps the filters. */
export function LiveQueueScreen({ exam }: { exam: Exam }) {
  const { t } = useTranslation();
  const liveSlots = useMemo(
    () => exam.slots.filter((slot) => slot.kind === 'live').sort((a, b) => a.startsAt.localeCompare(b.startsAt)),
    [exam],
  );
  const [choice, setChoice] = useState<string | null>(null);
  const [now] = useState(() => Date.now());
  const [filter, setFilter] = useState<QueueFilter>(NO_FILTER);
  const slotChoice = choice ?? currentSlot(liveSlots, now)?.id ?? ALL_SLOTS;
  const slots = useMemo(
    () => (slotChoice === ALL_SLOTS ? liveSlots : liveSlots.filter((slot) => slot.id === slotChoice)),
    [liveSlots, slotChoice],
  );
  if (liveSlots.length === 0) return <Empty description={t('queue.noSlots')} />;
  return (
    <QueueView
      key={slotChoice}
      exam={exam}
      slots={slots}
      liveSlots={liveSlots}
      slotChoice={slotChoice}
      filter={filter}
      onSlotChoice={setChoice}
      onFilter={setFilter}
    />
  );
}
