import { join } from 'node:path';
import { app, BrowserWindow, dialog, ipcMain, protocol, session, webContents } from 'electron';
import { ConfigError, resolveConfig } from '../config';
import { createLogger } from '../log';
import { StoreError, useSqliteHost } from '../store/database';
import { storeErrorReport } from '../store/store-error';
import { createWorkstation, type Workstation } from '../workstation';
import { registerAppScheme, serveRenderer } from './app-protocol';
import { APP_ENTRY_URL } from './app-url';
import { forwardEvents, registerContractIpc } from './ipc';
import { keychainBox } from './secret-box';
import { hardenWebContents, installPermissionHandlers, secureWebPreferences } from './security';

export interface ShellPaths {
  /** The built renderer. */
  readonly rendererDir: string;
  /** The bundled, sandbox-safe preload script. */
  readonly preloadPath: string;
}

/**
 * The thin Electron shell: secure window, app:// protocol, one IPC handler per contract
 * command, events forwarded. Everything else is the host-independent workstation.
 */
export function runElectronApp(paths: ShellPaths): void {
  const log = createLogger('electron');
  // Before anything opens the store: a packaged app loads only the SQLite driver it ships.
  useSqliteHost(app.isPackaged ? { packaged: true, resourcesPath: process.resourcesPath } : { packaged: false });
  app.enableSandbox();
  registerAppScheme(protocol);
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));

  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }

  let config;
  try {
    config = resolveConfig({ argv: [], defaultDataDir: app.getPath('userData') });
  } catch (error) {
    log.error('configuration is invalid', { error });
    if (error instanceof ConfigError) process.stderr.write(`Examiner Workstation: ${error.message}\n`);
    app.exit(2);
    return;
  }
  // After ready: safeStorage (the keychain box) cannot be used before.
  let workstation: Workstation | null = null;

  void app.whenReady().then(() => {
    try {
      workstation = createWorkstation({ host: 'electron', config, log, secretBox: keychainBox() });
    } catch (error) {
      // A database locked, read-only, from a newer version, or damaged with no healthy backup: say so, never start empty.
      log.error('the workstation cannot open its data', { error });
      const text = error instanceof StoreError ? storeErrorReport(error) : error instanceof Error ? error.message : String(error);
      dialog.showErrorBox('Examiner Workstation', text);
      app.exit(3);
      return;
    }
    installPermissionHandlers(session.defaultSession);
    serveRenderer(protocol, paths.rendererDir, workstation.media);
    registerContractIpc(ipcMain, workstation.dispatch);
    forwardEvents(workstation.events, () => webContents.getAllWebContents());
    workstation.start();
    const window = createMainWindow(paths.preloadPath);
    app.on('second-instance', () => {
      if (window.isMinimized()) window.restore();
      window.focus();
    });
  });

  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => workstation?.stop());
}

export function createMainWindow(preloadPath: string): BrowserWindow {
  const window = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 1024,
    minHeight: 700,
    show: false,
    title: 'Examiner Workstation',
    webPreferences: secureWebPreferences(preloadPath),
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(APP_ENTRY_URL);
  return window;
}

/** Where the bundles sit next to each other in dist/ (see scripts/build-electron.ts). */
export function defaultShellPaths(bundleDir: string): ShellPaths {
  return { rendererDir: join(bundleDir, '..', 'renderer'), preloadPath: join(bundleDir, 'preload.cjs') };
}
