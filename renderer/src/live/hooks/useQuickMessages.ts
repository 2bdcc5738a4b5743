import { useEffect, useState } from 'react';
import type { LiveQuickMessage } from '@common/contract';
import { examiner } from '../../bridge';

/** The candidate's quick messages (快捷语) since the interview opened, newest first. */
export function useQuickMessages(entryId: string): readonly LiveQuickMessage[] {
  const [messages, setMessages] = useState<readonly LiveQuickMessage[]>([]);
  useEffect(
    () =>
      examiner().on('live.quickMessage', (message) => {
        if (message.entryId === entryId) setMessages((current) => [message, ...current].slice(0, 100));
      }),
    [entryId],
  );
  return messages;
}
