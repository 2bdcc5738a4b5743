import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { commandNames, fail, IPC_COMMAND_PREFIX, IPC_EVENT_CHANNEL, type Result } from '@common/contract';
import type { Dispatch } from '../contract/dispatcher';
import type { EventHub } from '../contract/event-hub';
import { isAppUrl } from './app-url';

/** A call counts only from the app's own page in a top-level frame, never from an iframe or a foreign page. */
export function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame.parent === null && isAppUrl(frame.url);
}

/** One `ipcMain.handle` per contract command, each behind the sender check, all into the one dispatcher. */
export function registerContractIpc(ipcMain: IpcMain, dispatch: Dispatch): () => void {
  for (const name of commandNames) {
    ipcMain.handle(`${IPC_COMMAND_PREFIX}${name}`, (event, input: unknown): Promise<Result<unknown>> => {
      if (!isTrustedSender(event)) return Promise.resolve(fail('forbidden', 'call from a foreign frame or origin'));
      return dispatch(name, input, { transport: 'electron' });
    });
  }
  return () => {
    for (const name of commandNames) ipcMain.removeHandler(`${IPC_COMMAND_PREFIX}${name}`);
  };
}

/** Pushes every workstation event to the app's windows, and only while they show the app. */
export function forwardEvents(hub: EventHub, targets: () => readonly WebContents[]): () => void {
  return hub.subscribe((name, payload) => {
    for (const contents of targets()) {
      if (!contents.isDestroyed() && isAppUrl(contents.getURL())) contents.send(IPC_EVENT_CHANNEL, name, payload);
    }
  });
}
