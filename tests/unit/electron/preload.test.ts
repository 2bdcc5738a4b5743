import { beforeEach, describe, expect, it, vi } from 'vitest';
import { commandNames, eventNames, IPC_COMMAND_PREFIX, IPC_EVENT_CHANNEL, type ExaminerApi, type Result } from '@common/contract';
import { contextBridge, ipcRenderer, resetFakeElectron } from '../../support/fake-electron';

vi.mock('electron', () => import('../../support/fake-electron'));

/** The API as a page could call it, with names the types would reject. */
interface UntypedApi {
  invoke(name: unknown, input: unknown): Promise<Result<unknown>>;
  on(name: unknown, listener: (payload: unknown) => void): () => void;
}

let api: ExaminerApi;
let untyped: UntypedApi;

beforeEach(async () => {
  resetFakeElectron();
  vi.resetModules();
  await import('../../../preload/index');
  api = contextBridge.exposed.get('examiner') as ExaminerApi;
  untyped = api as unknown as UntypedApi;
});

describe('preload', () => {
  it('exposes exactly one key, "examiner", with exactly invoke and on', () => {
    expect([...contextBridge.exposed.keys()]).toEqual(['examiner']);
    expect(Object.keys(api).sort()).toEqual(['invoke', 'on']);
    expect(typeof api.invoke).toBe('function');
    expect(typeof api.on).toBe('function');
  });

  it('exposes no channel name, ipcRenderer or other electron object', () => {
    const values = Object.values(api as unknown as Record<string, unknown>);
    expect(values).not.toContain(ipcRenderer);
    expect(JSON.stringify(Object.keys(api))).not.toContain(IPC_COMMAND_PREFIX);
  });

  it.each(commandNames)('invokes %s on its own channel with the input, and returns what main answers', async (name) => {
    const answer = { ok: true, value: { from: 'main' } };
    ipcRenderer.invokeResult = answer;
    const input = { marker: name };
    const result = await untyped.invoke(name, input);
    expect(ipcRenderer.invocations).toEqual([{ channel: `${IPC_COMMAND_PREFIX}${name}`, args: [input] }]);
    expect(result).toBe(answer);
  });

  it.each(['nope', 'app.getinfo', '__proto__', 'constructor', 'toString', '', 42, null, undefined])(
    'resolves unknown_command for %j without touching IPC',
    async (name) => {
      const result = await untyped.invoke(name, {});
      expect(result).toMatchObject({ ok: false, error: { code: 'unknown_command' } });
      expect(ipcRenderer.invocations).toEqual([]);
    },
  );

  it.each(['nope', 'session.Changed', '__proto__', 'hasOwnProperty', '', 7, null])('throws for an unknown event %j and subscribes nothing', (name) => {
    expect(() => untyped.on(name, () => {})).toThrow(TypeError);
    expect(ipcRenderer.listenerCount(IPC_EVENT_CHANNEL)).toBe(0);
  });

  it('delivers only events of the subscribed name, with their payload', () => {
    expect(eventNames).toEqual(expect.arrayContaining(['session.changed', 'platform.health']));
    const sessions: unknown[] = [];
    const healths: unknown[] = [];
    api.on('session.changed', (payload) => sessions.push(payload));
    untyped.on('platform.health', (payload) => healths.push(payload));

    ipcRenderer.deliver(IPC_EVENT_CHANNEL, 'session.changed', null);
    ipcRenderer.deliver(IPC_EVENT_CHANNEL, 'platform.health', { state: 'online' });
    ipcRenderer.deliver(IPC_EVENT_CHANNEL, 'something.else', 'x');
    ipcRenderer.deliver('some-other-channel', 'session.changed', 'wrong channel');

    expect(sessions).toEqual([null]);
    expect(healths).toEqual([{ state: 'online' }]);
  });

  it('unsubscribes with the function on returns, leaving other listeners in place', () => {
    const first: unknown[] = [];
    const second: unknown[] = [];
    const off = api.on('session.changed', (payload) => first.push(payload));
    api.on('session.changed', (payload) => second.push(payload));
    expect(ipcRenderer.listenerCount(IPC_EVENT_CHANNEL)).toBe(2);

    off();
    expect(ipcRenderer.listenerCount(IPC_EVENT_CHANNEL)).toBe(1);
    ipcRenderer.deliver(IPC_EVENT_CHANNEL, 'session.changed', null);
    expect(first).toEqual([]);
    expect(second).toEqual([null]);
  });
});
