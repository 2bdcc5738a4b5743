import { App } from 'antd';
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { asContractError, call } from '../app/call';

export type DownloadAction = 'recordings.download' | 'recordings.pause' | 'recordings.resume';

/** Download, pause or resume an assignment's recordings; a refusal is said in plain words. */
export function useDownloadActions(): { busy: string | null; run(action: DownloadAction, assignmentId: string): Promise<void> } {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [busy, setBusy] = useState<string | null>(null);
  const run = useCallback(
    async (action: DownloadAction, assignmentId: string) => {
      setBusy(assignmentId);
      try {
        await call(action, { assignmentId });
      } catch (failure) {
        void message.error(t(`errors.${asContractError(failure).code}`));
      } finally {
        setBusy((current) => (current === assignmentId ? null : current));
      }
    },
    [message, t],
  );
  return { busy, run };
}
