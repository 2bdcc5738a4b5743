import type {
  BrowserWindowConstructorOptions,
  CustomScheme,
  HandlerDetails,
  IpcMainInvokeEvent,
  Session,
  WebContents,
  WindowOpenHandlerResponse,
} from 'electron';

/**
 * A small fake of the parts of `electron` that main/electron and preload/ use, for unit tests
 * (the Electron binary is not available on the build machines). It only records what our code
 * asks of it and replays events the tests trigger; it decides nothing. Swap it in with
 *
 *   vi.mock('electron', () => import('../../support/fake-electron'));
 *
 * and call `resetFakeElectron()` before each test. The exports named like electron's (`app`,
 * `BrowserWindow`, `ipcMain`, `protocol`, `session`, `webContents`, `contextBridge`,
 * `ipcRenderer`) are what the code under test sees; the rest are helpers for the tests.
 * The singletons are reset in place, so a test and the code under test always share them.
 */

type Listener = (...args: never[]) => unknown;
type Callable = (...args: unknown[]) => unknown;

/** A minimal event emitter with Node's on/once/removeListener/emit semantics. */
class FakeEmitter {
  readonly #listeners = new Map<string, { listener: Callable; once: boolean }[]>();

  on(event: string, listener: Listener): this {
    return this.#add(event, listener, false);
  }

  once(event: string, listener: Listener): this {
    return this.#add(event, listener, true);
  }

  removeListener(event: string, listener: Listener): this {
    const list = this.#listeners.get(event) ?? [];
    const index = list.findIndex((entry) => entry.listener === listener);
    if (index >= 0) list.splice(index, 1);
    return this;
  }

  listenerCount(event: string): number {
    return this.#listeners.get(event)?.length ?? 0;
  }

  /** Calls the listeners of `event` with `args`; true if there were any. */
  emit(event: string, ...args: unknown[]): boolean {
    const list = this.#listeners.get(event) ?? [];
    const current = [...list];
    this.#listeners.set(
      event,
      list.filter((entry) => !entry.once),
    );
    for (const entry of current) entry.listener(...args);
    return current.length > 0;
  }

  protected clearListeners(): void {
    this.#listeners.clear();
  }

  #add(event: string, listener: Listener, once: boolean): this {
    const list = this.#listeners.get(event) ?? [];
    list.push({ listener: listener as Callable, once });
    this.#listeners.set(event, list);
    return this;
  }
}

/** Electron's preventable event, as passed to will-navigate, will-redirect, will-attach-webview… */
export class FakeEvent {
  defaultPrevented = false;

  preventDefault(): void {
    this.defaultPrevented = true;
  }
}

type WindowOpenHandler = (details: HandlerDetails) => WindowOpenHandlerResponse;

export interface SentMessage {
  readonly channel: string;
  readonly args: readonly unknown[];
}

export class FakeWebContents extends FakeEmitter {
  readonly id = shared().nextWebContentsId++;
  url: string;
  destroyed = false;
  readonly sent: SentMessage[] = [];
  windowOpenHandler: WindowOpenHandler | null = null;
  /** Chromium's default until the shell sets one. */
  webRTCIPHandlingPolicy = 'default';

  /** Like every real web contents, a new one is listed by `webContents.getAllWebContents()`. */
  constructor(url = '') {
    super();
    this.url = url;
    shared().allWebContents.push(this);
  }

  getURL(): string {
    return this.url;
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }

  setWindowOpenHandler(handler: WindowOpenHandler): void {
    this.windowOpenHandler = handler;
  }

  setWebRTCIPHandlingPolicy(policy: string): void {
    this.webRTCIPHandlingPolicy = policy;
  }

  getWebRTCIPHandlingPolicy(): string {
    return this.webRTCIPHandlingPolicy;
  }

  /** Emits `event` with a fresh preventable event first, as Electron does; returns that event. */
  emitPreventable(event: string, ...args: unknown[]): FakeEvent {
    const preventable = new FakeEvent();
    this.emit(event, preventable, ...args);
    return preventable;
  }

  /** What the page's `window.open(url)` would get from the registered handler. */
  openWindow(url: string): WindowOpenHandlerResponse {
    if (this.windowOpenHandler === null) throw new Error('fake electron: no window open handler is set');
    return this.windowOpenHandler({
      url,
      frameName: '',
      features: '',
      disposition: 'new-window',
      referrer: { url: '', policy: 'strict-origin-when-cross-origin' },
    });
  }

  /** This fake, typed as what main/electron expects. */
  asElectron(): WebContents {
    return this as unknown as WebContents;
  }
}

export class FakeBrowserWindow extends FakeEmitter {
  readonly options: BrowserWindowConstructorOptions;
  readonly webContents = new FakeWebContents();
  readonly loadedUrls: string[] = [];
  minimized = false;
  visible = false;
  restoreCalls = 0;
  focusCalls = 0;

  constructor(options: BrowserWindowConstructorOptions = {}) {
    super();
    this.options = options;
    shared().windows.push(this);
    shared().journal.push('BrowserWindow');
  }

  loadURL(url: string): Promise<void> {
    this.loadedUrls.push(url);
    this.webContents.url = url;
    return Promise.resolve();
  }

  show(): void {
    this.visible = true;
  }

  isVisible(): boolean {
    return this.visible;
  }

  isMinimized(): boolean {
    return this.minimized;
  }

  restore(): void {
    this.restoreCalls++;
    this.minimized = false;
  }

  focus(): void {
    this.focusCalls++;
  }
}

export class FakeApp extends FakeEmitter {
  sandboxEnabled = false;
  /** What `requestSingleInstanceLock()` answers. */
  singleInstanceLock = true;
  /** Electron's `app.isPackaged`: false as under `npm start`. */
  isPackaged = false;
  /** What `getPath(name)` answers; an unset name throws. */
  readonly paths = new Map<string, string>();
  quitCalls = 0;
  readonly exitCodes: number[] = [];
  #ready = false;
  #resolveReady: () => void = () => {};
  #whenReady = this.#newReadyPromise();

  enableSandbox(): void {
    shared().journal.push('app.enableSandbox');
    this.sandboxEnabled = true;
  }

  requestSingleInstanceLock(): boolean {
    shared().journal.push('app.requestSingleInstanceLock');
    return this.singleInstanceLock;
  }

  getPath(name: string): string {
    const path = this.paths.get(name);
    if (path === undefined) throw new Error(`fake electron: no path configured for "${name}"`);
    return path;
  }

  isReady(): boolean {
    return this.#ready;
  }

  whenReady(): Promise<void> {
    return this.#whenReady;
  }

  /** Resolves `whenReady()` and emits "ready"; resolves once the app's own ready callbacks ran. */
  async markReady(): Promise<void> {
    shared().journal.push('app.ready');
    this.#ready = true;
    this.#resolveReady();
    this.emit('ready');
    await this.#whenReady;
    await new Promise((resolve) => setImmediate(resolve));
  }

  quit(): void {
    shared().journal.push('app.quit');
    this.quitCalls++;
  }

  exit(code = 0): void {
    shared().journal.push('app.exit');
    this.exitCodes.push(code);
  }

  reset(): void {
    this.clearListeners();
    this.sandboxEnabled = false;
    this.singleInstanceLock = true;
    this.isPackaged = false;
    this.paths.clear();
    this.quitCalls = 0;
    this.exitCodes.length = 0;
    this.#ready = false;
    this.#whenReady = this.#newReadyPromise();
  }

  #newReadyPromise(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#resolveReady = resolve;
    });
  }
}

export interface FakeFrame {
  readonly url: string;
  readonly parent: FakeFrame | null;
}

/** The part of IpcMainInvokeEvent the shell reads. */
export interface FakeInvokeEvent {
  readonly senderFrame: FakeFrame | null;
}

export function topFrame(url: string): FakeFrame {
  return { url, parent: null };
}

export function subFrame(url: string, parentUrl: string): FakeFrame {
  return { url, parent: topFrame(parentUrl) };
}

export function invokeEvent(senderFrame: FakeFrame | null): FakeInvokeEvent {
  return { senderFrame };
}

type InvokeHandler = (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown;

export class FakeIpcMain {
  readonly handlers = new Map<string, InvokeHandler>();
  /** Every channel `handle` was called with, duplicates included. */
  readonly handleCalls: string[] = [];

  handle(channel: string, handler: InvokeHandler): void {
    shared().journal.push(`ipcMain.handle:${channel}`);
    this.handleCalls.push(channel);
    // Electron refuses a second handler for a channel; so does the fake.
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  /** What a renderer's `ipcRenderer.invoke(channel, ...args)` would get back from main. */
  async invoke(channel: string, event: FakeInvokeEvent, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (handler === undefined) throw new Error(`No handler registered for '${channel}'`);
    return await handler(event as unknown as IpcMainInvokeEvent, ...args);
  }

  reset(): void {
    this.handlers.clear();
    this.handleCalls.length = 0;
  }
}

type ProtocolHandler = (request: Request) => Response | Promise<Response>;

export class FakeProtocol {
  /** Every scheme passed to `registerSchemesAsPrivileged`, in order. */
  readonly privilegedSchemes: CustomScheme[] = [];
  readonly handlers = new Map<string, ProtocolHandler>();

  registerSchemesAsPrivileged(schemes: CustomScheme[]): void {
    shared().journal.push('protocol.registerSchemesAsPrivileged');
    this.privilegedSchemes.push(...schemes);
  }

  handle(scheme: string, handler: ProtocolHandler): void {
    shared().journal.push(`protocol.handle:${scheme}`);
    if (this.handlers.has(scheme)) throw new Error(`fake electron: scheme "${scheme}" is already handled`);
    this.handlers.set(scheme, handler);
  }

  /** What the renderer would get for a GET of `url` through the registered handler. */
  async fetch(url: string): Promise<Response> {
    const scheme = new URL(url).protocol.replace(/:$/, '');
    const handler = this.handlers.get(scheme);
    if (handler === undefined) throw new Error(`fake electron: no handler for scheme "${scheme}"`);
    return await handler(new Request(url));
  }

  reset(): void {
    this.privilegedSchemes.length = 0;
    this.handlers.clear();
  }
}

type PermissionRequestHandler = NonNullable<Parameters<Session['setPermissionRequestHandler']>[0]>;
type PermissionCheckHandler = NonNullable<Parameters<Session['setPermissionCheckHandler']>[0]>;
export type RequestedPermission = Parameters<PermissionRequestHandler>[1];
export type RequestDetails = Parameters<PermissionRequestHandler>[3];
export type CheckedPermission = Parameters<PermissionCheckHandler>[1];
export type CheckDetails = Parameters<PermissionCheckHandler>[3];

export class FakeSession {
  requestHandler: PermissionRequestHandler | null = null;
  checkHandler: PermissionCheckHandler | null = null;

  setPermissionRequestHandler(handler: PermissionRequestHandler | null): void {
    shared().journal.push('session.setPermissionRequestHandler');
    this.requestHandler = handler;
  }

  setPermissionCheckHandler(handler: PermissionCheckHandler | null): void {
    shared().journal.push('session.setPermissionCheckHandler');
    this.checkHandler = handler;
  }

  /**
   * Runs the request handler as Chromium would and returns every answer it gave through the
   * callback, synchronously: `[true]` granted, `[false]` refused, `[]` never answered.
   */
  requestPermission(permission: RequestedPermission, details: RequestDetails, contents = new FakeWebContents(details.requestingUrl)): boolean[] {
    if (this.requestHandler === null) throw new Error('fake electron: no permission request handler is set');
    const answers: boolean[] = [];
    this.requestHandler(contents.asElectron(), permission, (granted) => answers.push(granted), details);
    return answers;
  }

  checkPermission(permission: CheckedPermission, requestingOrigin: string, details: CheckDetails = { isMainFrame: true }): boolean {
    if (this.checkHandler === null) throw new Error('fake electron: no permission check handler is set');
    return this.checkHandler(null, permission, requestingOrigin, details);
  }

  reset(): void {
    this.requestHandler = null;
    this.checkHandler = null;
  }
}

export class FakeContextBridge {
  readonly exposed = new Map<string, unknown>();

  exposeInMainWorld(apiKey: string, api: unknown): void {
    // Electron refuses to bind over an existing key; so does the fake.
    if (this.exposed.has(apiKey)) throw new Error(`Cannot bind an API on top of an existing property on the window object: ${apiKey}`);
    this.exposed.set(apiKey, api);
  }

  reset(): void {
    this.exposed.clear();
  }
}

export interface Invocation {
  readonly channel: string;
  readonly args: readonly unknown[];
}

export class FakeIpcRenderer extends FakeEmitter {
  readonly invocations: Invocation[] = [];
  /** What every `invoke` resolves to. */
  invokeResult: unknown = undefined;

  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    this.invocations.push({ channel, args });
    return Promise.resolve(this.invokeResult);
  }

  /** A message from main on `channel`, as `webContents.send(channel, ...args)` delivers it. */
  deliver(channel: string, ...args: unknown[]): void {
    this.emit(channel, { sender: this }, ...args);
  }

  reset(): void {
    this.clearListeners();
    this.invocations.length = 0;
    this.invokeResult = undefined;
  }
}

/**
 * safeStorage with a chosen backend. It "encrypts" by reversing and tagging the bytes: enough
 * to show that what is stored is not the plain text and that it round-trips.
 */
export class FakeSafeStorage {
  available = true;
  backend = 'gnome_libsecret';

  isEncryptionAvailable(): boolean {
    return this.available;
  }

  getSelectedStorageBackend(): string {
    return this.backend;
  }

  encryptString(plain: string): Buffer {
    if (!this.available) throw new Error('encryption is not available');
    return Buffer.concat([Buffer.from('sealed:'), Buffer.from(plain).reverse()]);
  }

  decryptString(sealed: Buffer): string {
    const prefix = Buffer.from('sealed:');
    if (!sealed.subarray(0, prefix.length).equals(prefix)) throw new Error('not sealed by this keychain');
    return Buffer.from(sealed.subarray(prefix.length)).reverse().toString();
  }

  reset(): void {
    this.available = true;
    this.backend = 'gnome_libsecret';
  }
}

// ---- shared state ----

interface FakeElectronState {
  /** In call order, what our code asked of the fake (e.g. "protocol.registerSchemesAsPrivileged", "app.ready"). */
  readonly journal: string[];
  readonly windows: FakeBrowserWindow[];
  readonly allWebContents: FakeWebContents[];
  nextWebContentsId: number;
  readonly app: FakeApp;
  readonly ipcMain: FakeIpcMain;
  readonly protocol: FakeProtocol;
  readonly defaultSession: FakeSession;
  readonly contextBridge: FakeContextBridge;
  readonly ipcRenderer: FakeIpcRenderer;
  readonly safeStorage: FakeSafeStorage;
}

const STATE_KEY = Symbol.for('examiner-workstation.fake-electron');

/**
 * One set of singletons per test process, kept on globalThis: after `vi.resetModules()` this
 * file may be evaluated again (the mocked `electron` and the test's own import can then be two
 * instances of it), and both must still see the same app, ipcMain, windows and journal.
 */
function shared(): FakeElectronState {
  const holder = globalThis as unknown as Record<symbol, FakeElectronState | undefined>;
  return (holder[STATE_KEY] ??= {
    journal: [],
    windows: [],
    allWebContents: [],
    nextWebContentsId: 1,
    app: new FakeApp(),
    ipcMain: new FakeIpcMain(),
    protocol: new FakeProtocol(),
    defaultSession: new FakeSession(),
    contextBridge: new FakeContextBridge(),
    ipcRenderer: new FakeIpcRenderer(),
    safeStorage: new FakeSafeStorage(),
  });
}

/** In call order, what our code asked of the fake (e.g. "protocol.registerSchemesAsPrivileged", "app.ready"). */
export const journal: readonly string[] = shared().journal;

// ---- what `import { … } from 'electron'` sees ----

export const app = shared().app;
export const BrowserWindow = FakeBrowserWindow;
export const ipcMain = shared().ipcMain;
export const protocol = shared().protocol;
export const session = { defaultSession: shared().defaultSession };
export const webContents = {
  getAllWebContents(): FakeWebContents[] {
    return [...shared().allWebContents];
  },
};
export const contextBridge = shared().contextBridge;
export const ipcRenderer = shared().ipcRenderer;
export const safeStorage = shared().safeStorage;
export const dialog = {
  showErrorBox(title: string, content: string): void {
    shared().journal.push(`dialog.showErrorBox:${title}:${content}`);
  },
};

// ---- helpers for the tests ----

/** Every BrowserWindow constructed since the last reset, in order. */
export function createdWindows(): readonly FakeBrowserWindow[] {
  return shared().windows;
}

/** Back to a freshly started process: no listeners, handlers, windows or recorded calls. */
export function resetFakeElectron(): void {
  const state = shared();
  state.journal.length = 0;
  state.windows.length = 0;
  state.allWebContents.length = 0;
  state.app.reset();
  state.ipcMain.reset();
  state.protocol.reset();
  state.defaultSession.reset();
  state.contextBridge.reset();
  state.ipcRenderer.reset();
  state.safeStorage.reset();
}
