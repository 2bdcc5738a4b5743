import { beforeEach, describe, expect, it, vi } from 'vitest';
import { APP_ENTRY_URL } from '../../../main/electron/app-url';
import { createMainWindow } from '../../../main/electron/main';
import { hardenWebContents, installPermissionHandlers, secureWebPreferences } from '../../../main/electron/security';
import {
  createdWindows,
  FakeSession,
  FakeWebContents,
  resetFakeElectron,
  type CheckedPermission,
  type RequestedPermission,
} from '../../support/fake-electron';

vi.mock('electron', () => import('../../support/fake-electron'));

const PRELOAD = '/opt/examiner/dist/electron/preload.cjs';
const APP_PAGE = 'app://workstation/index.html';

beforeEach(() => resetFakeElectron());

describe('secureWebPreferences', () => {
  const preferences = secureWebPreferences(PRELOAD);

  it.each([
    ['contextIsolation', true],
    ['sandbox', true],
    ['nodeIntegration', false],
    ['nodeIntegrationInWorker', false],
    ['nodeIntegrationInSubFrames', false],
    ['webSecurity', true],
    ['allowRunningInsecureContent', false],
    ['webviewTag', false],
    ['experimentalFeatures', false],
    ['navigateOnDragDrop', false],
  ] as const)('sets %s to %s', (key, value) => {
    expect(preferences[key]).toBe(value);
  });

  it('passes the preload path through unchanged', () => {
    expect(preferences.preload).toBe(PRELOAD);
    expect(secureWebPreferences('/elsewhere/p.cjs').preload).toBe('/elsewhere/p.cjs');
  });

  it('sets nothing that loosens the defaults (no partition, no additional arguments, no devTools override)', () => {
    expect(Object.keys(preferences).sort()).toEqual(
      [
        'allowRunningInsecureContent',
        'contextIsolation',
        'experimentalFeatures',
        'navigateOnDragDrop',
        'nodeIntegration',
        'nodeIntegrationInSubFrames',
        'nodeIntegrationInWorker',
        'preload',
        'safeDialogs',
        'sandbox',
        'webSecurity',
        'webviewTag',
      ].sort(),
    );
  });
});

describe('createMainWindow', () => {
  it('constructs one BrowserWindow with exactly the secure web preferences', () => {
    createMainWindow(PRELOAD);
    const [window, ...others] = createdWindows();
    expect(others).toEqual([]);
    expect(window?.options.webPreferences).toEqual(secureWebPreferences(PRELOAD));
  });

  it('loads the app entry URL and nothing else', () => {
    createMainWindow(PRELOAD);
    expect(createdWindows()[0]?.loadedUrls).toEqual([APP_ENTRY_URL]);
    expect(APP_ENTRY_URL).toBe('app://workstation/index.html');
  });

  it('stays hidden until the page is ready to show', () => {
    createMainWindow(PRELOAD);
    const window = createdWindows()[0];
    expect(window?.options.show).toBe(false);
    expect(window?.isVisible()).toBe(false);
    window?.emit('ready-to-show');
    expect(window?.isVisible()).toBe(true);
  });
});

describe('hardenWebContents', () => {
  let contents: FakeWebContents;
  beforeEach(() => {
    contents = new FakeWebContents(APP_PAGE);
    hardenWebContents(contents.asElectron());
  });

  const foreign = [
    'https://evil.example/',
    'http://127.0.0.1:5173/',
    'file:///etc/passwd',
    'app://other/',
    'app://other/index.html',
    'app://workstation.evil.example/index.html',
    'app://user:secret@workstation/index.html',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'about:blank',
    'not a url',
  ];
  const own = ['app://workstation/index.html', 'app://workstation/', 'app://workstation/index.html#/exams/42', 'app://workstation/index.html?lang=zh-CN'];

  describe.each(['will-navigate', 'will-redirect'])('%s', (event) => {
    it.each(foreign)('is prevented for %s', (url) => {
      expect(contents.emitPreventable(event, url).defaultPrevented).toBe(true);
    });

    it.each(own)('is allowed for %s', (url) => {
      expect(contents.emitPreventable(event, url).defaultPrevented).toBe(false);
    });
  });

  it.each([...foreign, ...own])('denies window.open(%s)', (url) => {
    expect(contents.openWindow(url)).toEqual({ action: 'deny' });
  });

  it('lets WebRTC use the default route\'s public interface only, so no local address leaks', () => {
    expect(new FakeWebContents(APP_PAGE).getWebRTCIPHandlingPolicy()).toBe('default');
    expect(contents.getWebRTCIPHandlingPolicy()).toBe('default_public_interface_only');
  });

  it('prevents every webview from attaching', () => {
    const event = contents.emitPreventable('will-attach-webview', { preload: '/tmp/x.js' }, { src: APP_PAGE });
    expect(event.defaultPrevented).toBe(true);
  });
});

describe('installPermissionHandlers', () => {
  let session: FakeSession;
  beforeEach(() => {
    session = new FakeSession();
    installPermissionHandlers(session as unknown as Electron.Session);
  });

  describe('request handler', () => {
    it.each([
      { what: 'camera from the app (examiners are never filmed)', url: APP_PAGE, mediaTypes: ['video'] as const, granted: false },
      { what: 'microphone from the app (talk-back)', url: APP_PAGE, mediaTypes: ['audio'] as const, granted: true },
      { what: 'camera and microphone from the app', url: 'app://workstation/index.html#/record', mediaTypes: ['video', 'audio'] as const, granted: false },
      { what: 'media naming no type from the app', url: APP_PAGE, mediaTypes: [] as const, granted: false },
      { what: 'camera from a foreign https page', url: 'https://evil.example/', mediaTypes: ['video'] as const, granted: false },
      { what: 'microphone from a foreign https page', url: 'https://evil.example/', mediaTypes: ['audio'] as const, granted: false },
      { what: 'camera from another app:// host', url: 'app://other/index.html', mediaTypes: ['video'] as const, granted: false },
      { what: 'camera from a file:// page', url: 'file:///tmp/x.html', mediaTypes: ['video'] as const, granted: false },
      { what: 'camera from the dev server', url: 'http://localhost:5173/', mediaTypes: ['video'] as const, granted: false },
    ])('media: $what → $granted', ({ url, mediaTypes, granted }) => {
      const answers = session.requestPermission('media', { isMainFrame: true, requestingUrl: url, mediaTypes: [...mediaTypes], securityOrigin: url });
      expect(answers).toEqual([granted]);
    });

    it.each<RequestedPermission>([
      'geolocation',
      'notifications',
      'clipboard-read',
      'clipboard-sanitized-write',
      'display-capture',
      'fullscreen',
      'openExternal',
      'midiSysex',
      'pointerLock',
      'keyboardLock',
      'fileSystem',
      'window-management',
      'unknown',
    ])('refuses %s even from the app', (permission) => {
      expect(session.requestPermission(permission, { isMainFrame: true, requestingUrl: APP_PAGE })).toEqual([false]);
    });
  });

  describe('check handler', () => {
    it.each([
      { origin: 'app://workstation', granted: true },
      { origin: 'app://workstation/', granted: true },
      { origin: 'https://evil.example', granted: false },
      { origin: 'app://other', granted: false },
      { origin: 'file://', granted: false },
      { origin: 'null', granted: false },
      { origin: '', granted: false },
    ])('media from $origin → $granted', ({ origin, granted }) => {
      expect(session.checkPermission('media', origin, { isMainFrame: true, mediaType: 'audio' })).toBe(granted);
    });

    it('refuses the camera even to the app (examiners are never filmed)', () => {
      expect(session.checkPermission('media', 'app://workstation', { isMainFrame: true, mediaType: 'video' })).toBe(false);
    });

    it.each<CheckedPermission>([
      'geolocation',
      'notifications',
      'clipboard-read',
      'clipboard-sanitized-write',
      'fullscreen',
      'openExternal',
      'midiSysex',
      'hid',
      'serial',
      'usb',
      'fileSystem',
    ])('refuses %s even from the app', (permission) => {
      expect(session.checkPermission(permission, 'app://workstation')).toBe(false);
    });
  });
});
