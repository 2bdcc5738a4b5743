import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { commandNames, IPC_COMMAND_PREFIX, IPC_EVENT_CHANNEL, type Result } from '@common/contract';
import { APP_ENTRY_URL } from '../../../main/electron/app-url';
import type { ShellPaths } from '../../../main/electron/main';
import { secureWebPreferences } from '../../../main/electron/security';
import { CONTENT_SECURITY_POLICY } from '../../../main/security/csp';
import { DATABASE_FILE, packagedSqliteBinding } from '../../../main/store/database';
import {
  app,
  createdWindows,
  FakeEvent,
  FakeWebContents,
  invokeEvent,
  ipcMain,
  journal,
  protocol,
  resetFakeElectron,
  session,
  topFrame,
} from '../../support/fake-electron';

vi.mock('electron', () => import('../../support/fake-electron'));

const INDEX_HTML = '<!doctype html><title>from the temp renderer folder</title>';
const APP_PAGE = 'app://workstation/index.html';

let root: string;
let dataDir: string;
let paths: ShellPaths;
let runElectronApp: (paths: ShellPaths) => void;

beforeEach(async () => {
  resetFakeElectron();
  vi.resetModules();
  root = mkdtempSync(join(tmpdir(), 'examiner-shell-'));
  dataDir = join(root, 'data');
  mkdirSync(dataDir);
  mkdirSync(join(root, 'renderer'));
  writeFileSync(join(root, 'renderer', 'index.html'), INDEX_HTML);
  paths = { rendererDir: join(root, 'renderer'), preloadPath: join(root, 'electron', 'preload.cjs') };

  vi.stubEnv('EXAMINER_DATA_DIR', dataDir);
  vi.stubEnv('EXAMINER_PLATFORM_URL', undefined);
  vi.stubEnv('EXAMINER_DEMO', undefined);
  app.paths.set('userData', join(root, 'userData'));

  ({ runElectronApp } = await import('../../../main/electron/main'));
});

afterEach(() => {
  app.emit('will-quit'); // stops the workstation, if one was started
  vi.unstubAllEnvs();
  rmSync(root, { recursive: true, force: true });
  vi.restoreAllMocks();
});

const channel = (name: string) => `${IPC_COMMAND_PREFIX}${name}`;

function call(name: string, input: unknown): Promise<Result<unknown>> {
  return ipcMain.invoke(channel(name), invokeEvent(topFrame(APP_PAGE)), input) as Promise<Result<unknown>>;
}

function expectNothingStarted(): void {
  expect(createdWindows()).toEqual([]);
  expect(ipcMain.handleCalls).toEqual([]);
  expect(protocol.handlers.size).toBe(0);
  expect(session.defaultSession.requestHandler).toBeNull();
  expect(session.defaultSession.checkHandler).toBeNull();
}

describe('runElectronApp, before ready', () => {
  it('enables the sandbox and registers app:// as a privileged scheme', () => {
    runElectronApp(paths);
    expect(app.sandboxEnabled).toBe(true);
    expect(protocol.privilegedSchemes).toEqual([
      { scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) as unknown },
    ]);
  });

  it('serves, handles and opens nothing until the app is ready', () => {
    runElectronApp(paths);
    expect(app.isReady()).toBe(false);
    expectNothingStarted();
  });

  it('registers the app scheme before ready, and enables the sandbox before that', async () => {
    runElectronApp(paths);
    await app.markReady();
    const scheme = journal.indexOf('protocol.registerSchemesAsPrivileged');
    expect(journal.indexOf('app.enableSandbox')).toBeGreaterThanOrEqual(0);
    expect(journal.indexOf('app.enableSandbox')).toBeLessThan(scheme);
    expect(scheme).toBeLessThan(journal.indexOf('app.ready'));
  });

  it('hardens every web contents created: no new windows, no navigation away, no webviews', () => {
    runElectronApp(paths);
    expect(app.listenerCount('web-contents-created')).toBe(1);
    for (const url of [APP_PAGE, 'about:blank']) {
      const contents = new FakeWebContents(url);
      app.emit('web-contents-created', new FakeEvent(), contents.asElectron());
      expect(contents.openWindow('https://evil.example/')).toEqual({ action: 'deny' });
      expect(contents.openWindow(APP_PAGE)).toEqual({ action: 'deny' });
      expect(contents.emitPreventable('will-navigate', 'https://evil.example/').defaultPrevented).toBe(true);
      expect(contents.emitPreventable('will-redirect', 'file:///etc/passwd').defaultPrevented).toBe(true);
      expect(contents.emitPreventable('will-navigate', APP_PAGE).defaultPrevented).toBe(false);
      expect(contents.emitPreventable('will-attach-webview', {}, {}).defaultPrevented).toBe(true);
      expect(contents.getWebRTCIPHandlingPolicy()).toBe('default_public_interface_only');
    }
  });
});

describe('runElectronApp, second instance', () => {
  it('quits, and starts nothing, when the single-instance lock is held elsewhere', async () => {
    app.singleInstanceLock = false;
    runElectronApp(paths);
    expect(app.quitCalls).toBe(1);
    await app.markReady();
    expectNothingStarted();
    expect(app.listenerCount('second-instance')).toBe(0);
  });
});

describe('runElectronApp, invalid configuration', () => {
  it.each([
    { what: 'a malformed config.json', setup: () => writeFileSync(join(dataDir, 'config.json'), '{ not json') },
    { what: 'an unknown key in config.json', setup: () => writeFileSync(join(dataDir, 'config.json'), '{"platformURL":"http://x"}') },
    { what: 'a non-http platform URL in the environment', setup: () => vi.stubEnv('EXAMINER_PLATFORM_URL', 'ftp://platform.example') },
  ])('exits with code 2 and says why on stderr, for $what', async ({ setup }) => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    setup();
    runElectronApp(paths);
    expect(app.exitCodes).toEqual([2]);
    expect(stderr.mock.calls.map(([chunk]) => String(chunk)).join('')).toContain('Examiner Workstation: ');
    await app.markReady();
    expectNothingStarted();
  });

  it('reads config.json from Electron’s userData folder when no data folder is set', () => {
    vi.stubEnv('EXAMINER_DATA_DIR', undefined);
    const userData = join(root, 'userData');
    mkdirSync(userData);
    writeFileSync(join(userData, 'config.json'), '{"platformUrl":"not a url"}');
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    runElectronApp(paths);
    expect(app.exitCodes).toEqual([2]);
    expect(stderr.mock.calls.map(([chunk]) => String(chunk)).join('')).toContain(join(userData, 'config.json'));
  });
});

describe('runElectronApp, a database it may not open', () => {
  it('refuses to start, naming the file and the reason in Chinese and English, and moves nothing', async () => {
    // A folder where the database should be: unreadable whoever runs the test (root ignores file modes).
    const database = join(dataDir, DATABASE_FILE);
    mkdirSync(database);
    runElectronApp(paths);
    await app.markReady();
    expect(app.exitCodes).toEqual([3]);
    const shown = journal.find((entry) => entry.startsWith('dialog.showErrorBox')) ?? '';
    expect(shown).toContain(`无法打开数据库文件 ${database}`);
    expect(shown).toContain(`The database ${database} cannot be opened`);
    expect(shown).toContain('nothing was changed');
    expect(readdirSync(dataDir)).toEqual([DATABASE_FILE]);
    expectNothingStarted();
  });
});

describe('runElectronApp, once ready', () => {
  beforeEach(async () => {
    runElectronApp(paths);
    await app.markReady();
  });

  it('installs the permission handlers on the default session', () => {
    const defaultSession = session.defaultSession;
    expect(defaultSession.requestPermission('media', { isMainFrame: true, requestingUrl: APP_PAGE, mediaTypes: ['audio'] })).toEqual([true]);
    expect(defaultSession.requestPermission('media', { isMainFrame: true, requestingUrl: APP_PAGE, mediaTypes: ['video', 'audio'] })).toEqual([false]);
    expect(defaultSession.requestPermission('media', { isMainFrame: true, requestingUrl: 'https://evil.example/', mediaTypes: ['video'] })).toEqual([false]);
    expect(defaultSession.requestPermission('geolocation', { isMainFrame: true, requestingUrl: APP_PAGE })).toEqual([false]);
    expect(defaultSession.checkPermission('media', 'app://workstation')).toBe(true);
    expect(defaultSession.checkPermission('notifications', 'app://workstation')).toBe(false);
  });

  it('serves the renderer folder it was given over app://, with the CSP', async () => {
    expect([...protocol.handlers.keys()]).toEqual(['app']);
    const response = await protocol.fetch('app://workstation/');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(INDEX_HTML);
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });

  it('registers one IPC handler per command, answered by the workstation', async () => {
    expect([...ipcMain.handleCalls].sort()).toEqual(commandNames.map(channel).sort());
    const info = await call('app.getInfo', {});
    expect(info).toMatchObject({ ok: true, value: { host: 'electron', platformOrigin: null, demo: false } });
    const forbidden = await ipcMain.invoke(channel('app.getInfo'), invokeEvent(topFrame('https://evil.example/')), {});
    expect(forbidden).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('creates exactly one window, with the secure preferences and the given preload, showing the app', () => {
    const windows = createdWindows();
    expect(windows).toHaveLength(1);
    expect(windows[0]?.options.webPreferences).toEqual(secureWebPreferences(paths.preloadPath));
    expect(windows[0]?.options.webPreferences?.preload).toBe(paths.preloadPath);
    expect(windows[0]?.loadedUrls).toEqual([APP_ENTRY_URL]);
  });

  it('is ready to answer before the window exists: handlers, protocol and permissions come first', () => {
    const window = journal.indexOf('BrowserWindow');
    expect(window).toBeGreaterThan(journal.indexOf('app.ready'));
    for (const step of [
      'session.setPermissionRequestHandler',
      'session.setPermissionCheckHandler',
      'protocol.handle:app',
      ...commandNames.map((name) => `ipcMain.handle:${channel(name)}`),
    ]) {
      expect(journal.indexOf(step), step).toBeGreaterThan(journal.indexOf('app.ready'));
      expect(journal.indexOf(step), step).toBeLessThan(window);
    }
  });

  it('forwards workstation events to the app window and not to foreign pages', async () => {
    const foreign = new FakeWebContents('https://evil.example/');
    const window = createdWindows()[0];
    expect(await call('session.logout', {})).toEqual({ ok: true, value: null });
    const sessionEvents = window?.webContents.sent.filter((message) => message.args[0] === 'session.changed');
    expect(sessionEvents).toEqual([{ channel: IPC_EVENT_CHANNEL, args: ['session.changed', null] }]);
    expect(window?.webContents.sent.every((message) => message.channel === IPC_EVENT_CHANNEL)).toBe(true);
    expect(foreign.sent).toEqual([]);
  });

  it('brings the window back when a second instance starts', () => {
    const window = createdWindows()[0];
    if (window === undefined) throw new Error('no window');
    window.minimized = true;
    app.emit('second-instance');
    expect(window.restoreCalls).toBe(1);
    expect(window.focusCalls).toBe(1);
    expect(window.isMinimized()).toBe(false);

    app.emit('second-instance');
    expect(window.restoreCalls).toBe(1);
    expect(window.focusCalls).toBe(2);
  });

  it('quits when every window is closed', () => {
    expect(app.quitCalls).toBe(0);
    app.emit('window-all-closed');
    expect(app.quitCalls).toBe(1);
  });
});

describe('runElectronApp, packaged', () => {
  const nodeBinding = join(dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');
  const withResources = process as { resourcesPath?: string | undefined };
  let previousResources: string | undefined;
  beforeEach(() => {
    previousResources = withResources.resourcesPath;
    withResources.resourcesPath = join(root, 'resources');
    app.isPackaged = true;
    // Names a driver that would load: a packaged app must not take it.
    vi.stubEnv('EXAMINER_SQLITE_BINDING', nodeBinding);
  });
  afterEach(() => {
    withResources.resourcesPath = previousResources;
  });

  it('opens its store with the SQLite driver it ships, never the one EXAMINER_SQLITE_BINDING names', async () => {
    const shipped = packagedSqliteBinding(join(root, 'resources'));
    mkdirSync(dirname(shipped), { recursive: true });
    // The Node build stands in for the Electron build the packaged app ships (vitest runs in Node).
    copyFileSync(nodeBinding, shipped);
    runElectronApp(paths);
    await app.markReady();
    expect(app.exitCodes).toEqual([]);
    expect(createdWindows()).toHaveLength(1);
  });

  it('refuses to start, saying why, when the shipped driver is missing', async () => {
    runElectronApp(paths);
    await app.markReady();
    expect(app.exitCodes).toEqual([3]);
    expect(journal.find((entry) => entry.startsWith('dialog.showErrorBox'))).toContain(packagedSqliteBinding(join(root, 'resources')));
    expect(createdWindows()).toEqual([]);
  });
});
