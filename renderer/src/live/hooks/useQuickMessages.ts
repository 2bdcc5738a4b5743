import { useEffect, useState } from 'react';
import type { LiveQuickMessage } from '@common/contract';
import { examiner } from '../../bridge';
import { prependQuickMessage } from '../quick-messages';

/** The candidate's quick messages (快捷语) since the interview opened, newest first, the newest QUICK_MESSAGES_KEPT. */
export function useQuickMessages(entryId: string): readonly LiveQuickMessage[] {
  const [messages, setMessages] = useState<readonly LiveQuickMessage[]>([]);
  useEffect(
    () =>
      examiner().on('live.quickMessage', (message) => {
        if (message.entryId === entryId) setMessages((current) => prependQuickMessage(current, message));
      }),
    [entryId],
  );
  return messages;
}
