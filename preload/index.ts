import { contextBridge, ipcRenderer } from 'electron';
import {
  fail,
  IPC_COMMAND_PREFIX,
  IPC_EVENT_CHANNEL,
  isCommandName,
  isEventName,
  type ExaminerApi,
  type Result,
} from '@common/contract';

/**
 * Exposes exactly the contract as `window.examiner`: `invoke` for the commands listed in
 * common/contract, `on` for its events. No channel name, no ipcRenderer and no Node API reaches
 * the page. Main checks everything again; this only keeps mistakes close to where they happen.
 */
export const examinerApi: ExaminerApi = {
  invoke(name, input) {
    if (!isCommandName(name)) return Promise.resolve(fail('unknown_command', `no command named ${String(name)}`));
    return ipcRenderer.invoke(`${IPC_COMMAND_PREFIX}${name}`, input) as Promise<Result<never>>;
  },
  on(name, listener) {
    if (!isEventName(name)) throw new TypeError(`no event named ${String(name)}`);
    const handler = (_event: unknown, eventName: unknown, payload: unknown) => {
      if (eventName === name) (listener as (payload: unknown) => void)(payload);
    };
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler);
    };
  },
};

contextBridge.exposeInMainWorld('examiner', examinerApi);
