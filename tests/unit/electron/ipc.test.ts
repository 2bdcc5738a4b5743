import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { commandNames, IPC_COMMAND_PREFIX, IPC_EVENT_CHANNEL, type Result } from '@common/contract';
import { EventHub } from '../../../main/contract/event-hub';
import type { Dispatch } from '../../../main/contract/dispatcher';
import { forwardEvents, registerContractIpc } from '../../../main/electron/ipc';
import { silentLogger } from '../../../main/log';
import { APP_NAME, APP_VERSION } from '../../../main/version';
import { createWorkstation, type Workstation } from '../../../main/workstation';
import {
  FakeIpcMain,
  FakeWebContents,
  invokeEvent,
  resetFakeElectron,
  subFrame,
  topFrame,
  type FakeInvokeEvent,
} from '../../support/fake-electron';

vi.mock('electron', () => import('../../support/fake-electron'));

const APP_PAGE = 'app://workstation/index.html';
const channel = (name: string) => `${IPC_COMMAND_PREFIX}${name}`;

let dataDir: string;
let workstation: Workstation;
let ipcMain: FakeIpcMain;
let dispatch: ReturnType<typeof vi.fn<Dispatch>>;
let unregister: () => void;

beforeEach(() => {
  resetFakeElectron();
  dataDir = mkdtempSync(join(tmpdir(), 'examiner-ipc-'));
  workstation = createWorkstation({ host: 'electron', config: { platformUrl: null, dataDir, demo: false }, log: silentLogger });
  dispatch = vi.fn<Dispatch>(workstation.dispatch);
  ipcMain = new FakeIpcMain();
  unregister = registerContractIpc(ipcMain as unknown as Electron.IpcMain, dispatch);
});

afterEach(() => {
  workstation.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

function call(name: string, event: FakeInvokeEvent, input: unknown): Promise<Result<unknown>> {
  return ipcMain.invoke(channel(name), event, input) as Promise<Result<unknown>>;
}

describe('registerContractIpc', () => {
  it('registers exactly one handler per contract command, on the prefixed channel', () => {
    expect(ipcMain.handleCalls).toHaveLength(commandNames.length);
    expect([...ipcMain.handleCalls].sort()).toEqual(commandNames.map(channel).sort());
    expect(commandNames).toContain('app.getInfo');
  });

  it('passes a call from the app’s top-level frame to the dispatcher, which answers it', async () => {
    const result = await call('app.getInfo', invokeEvent(topFrame(APP_PAGE)), {});
    expect(result).toEqual({
      ok: true,
      value: { name: APP_NAME, version: APP_VERSION, host: 'electron', platformOrigin: null, demo: false },
    });
    expect(APP_NAME).toBe('Examiner Workstation');
    expect(dispatch).toHaveBeenCalledTimes(1);
    expect(dispatch).toHaveBeenCalledWith('app.getInfo', {}, { transport: 'electron' });
  });

  it('routes each channel to its own command', async () => {
    const result = await call('session.get', invokeEvent(topFrame('app://workstation/index.html#/home')), {});
    expect(result).toEqual({ ok: true, value: null });
    expect(dispatch).toHaveBeenCalledWith('session.get', {}, { transport: 'electron' });
  });

  it.each([
    { what: 'a subframe of the app page', event: invokeEvent(subFrame(APP_PAGE, APP_PAGE)) },
    { what: 'a foreign subframe inside the app page', event: invokeEvent(subFrame('https://evil.example/', APP_PAGE)) },
    { what: 'a foreign https page', event: invokeEvent(topFrame('https://evil.example/')) },
    { what: 'another app:// host', event: invokeEvent(topFrame('app://other/index.html')) },
    { what: 'an app URL with credentials', event: invokeEvent(topFrame('app://user:pw@workstation/index.html')) },
    { what: 'a file:// page', event: invokeEvent(topFrame('file:///opt/examiner/index.html')) },
    { what: 'the dev server', event: invokeEvent(topFrame('http://localhost:5173/')) },
    { what: 'about:blank', event: invokeEvent(topFrame('about:blank')) },
    { what: 'a frame with no URL', event: invokeEvent(topFrame('')) },
    { what: 'a destroyed frame (senderFrame null)', event: invokeEvent(null) },
  ])('refuses a call from $what and never dispatches it', async ({ event }) => {
    for (const name of commandNames) {
      const result = await call(name, event, {});
      expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    expect(dispatch).not.toHaveBeenCalled();
  });

  it.each([
    { what: 'an extra key for a no-input command', name: 'app.getInfo', input: { extra: 1 } },
    { what: 'a __proto__ key', name: 'app.getInfo', input: JSON.parse('{"__proto__":{"polluted":true}}') as unknown },
    { what: 'a constructor key', name: 'session.get', input: { constructor: { prototype: {} } } },
    { what: 'no input at all', name: 'app.getInfo', input: undefined },
    { what: 'a string', name: 'session.logout', input: 'logout' },
    { what: 'a login without a password', name: 'session.login', input: { username: 'examiner1' } },
    { what: 'a login with a non-string user name', name: 'session.login', input: { username: 42, password: 'pw' } },
  ])('answers invalid_input for $what from a trusted sender', async ({ name, input }) => {
    const result = await call(name, invokeEvent(topFrame(APP_PAGE)), input);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(dispatch).toHaveBeenCalledTimes(1);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('removes every handler it registered when unregistered, so the channels can be registered again', async () => {
    expect(ipcMain.handlers.size).toBe(commandNames.length);
    unregister();
    expect(ipcMain.handlers.size).toBe(0);
    await expect(call('app.getInfo', invokeEvent(topFrame(APP_PAGE)), {})).rejects.toThrow(/No handler/);
    expect(() => registerContractIpc(ipcMain as unknown as Electron.IpcMain, dispatch)).not.toThrow();
    expect(ipcMain.handlers.size).toBe(commandNames.length);
  });
});

describe('forwardEvents', () => {
  let hub: EventHub;
  beforeEach(() => {
    hub = new EventHub(silentLogger);
  });

  it('sends each event to web contents showing the app, and to no other', () => {
    const app = new FakeWebContents(APP_PAGE);
    const appRoute = new FakeWebContents('app://workstation/index.html#/exams');
    const destroyed = new FakeWebContents(APP_PAGE);
    destroyed.destroyed = true;
    const foreign = new FakeWebContents('https://evil.example/');
    const otherHost = new FakeWebContents('app://other/index.html');
    const blank = new FakeWebContents('');
    const all = [app, appRoute, destroyed, foreign, otherHost, blank];
    forwardEvents(hub, () => all.map((contents) => contents.asElectron()));

    hub.emit('session.changed', null);

    const expected = [{ channel: IPC_EVENT_CHANNEL, args: ['session.changed', null] }];
    expect(app.sent).toEqual(expected);
    expect(appRoute.sent).toEqual(expected);
    for (const contents of [destroyed, foreign, otherHost, blank]) expect(contents.sent).toEqual([]);
  });

  it('asks for the targets at each event, so windows opened later get events too', () => {
    const targets: FakeWebContents[] = [];
    forwardEvents(hub, () => targets.map((contents) => contents.asElectron()));
    hub.emit('session.changed', null);
    const late = new FakeWebContents(APP_PAGE);
    targets.push(late);
    const health = {
      state: 'offline',
      checkedAt: '2026-11-21T08:00:00.000Z',
      lastOnlineAt: null,
      latencyMs: null,
      platformVersion: null,
      error: 'connect ECONNREFUSED',
    } as const;
    hub.emit('platform.health', health);
    expect(late.sent).toEqual([{ channel: IPC_EVENT_CHANNEL, args: ['platform.health', health] }]);
  });

  it('stops forwarding once its unsubscribe function is called', () => {
    const contents = new FakeWebContents(APP_PAGE);
    const stop = forwardEvents(hub, () => [contents.asElectron()]);
    hub.emit('session.changed', null);
    stop();
    hub.emit('session.changed', null);
    expect(contents.sent).toHaveLength(1);
  });

  it('follows navigation: a window that left the app stops receiving, one that came back receives again', () => {
    const contents = new FakeWebContents(APP_PAGE);
    forwardEvents(hub, () => [contents.asElectron()]);
    contents.url = 'https://evil.example/';
    hub.emit('session.changed', null);
    expect(contents.sent).toEqual([]);
    contents.url = APP_PAGE;
    hub.emit('session.changed', null);
    expect(contents.sent).toHaveLength(1);
  });
});
