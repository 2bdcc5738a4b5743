import { existsSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's Chromium; never a downloaded one (there is no internet on the build machines). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--use-fake-ui-for-media-stream',
  // Peers on this machine may pair on loopback addresses (Chromium ignores loopback candidates by default).
  '--allow-loopback-in-peer-connection',
];

export interface Chromium {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Real Chromium with a fresh profile of its own, removed on close. */
export async function launchChromium(options: { locale?: string } = {}): Promise<Chromium> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not at ${CHROMIUM_PATH}: install Debian's chromium package (.ci/run does)`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'examiner-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    headless: true,
    locale: options.locale ?? 'zh-CN',
    viewport: { width: 1280, height: 800 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export interface ChromiumBrowser {
  /** A context of its own (cookies, storage): one per person at the table. */
  newContext(): Promise<BrowserContext>;
  close(): Promise<void>;
}

/**
 * One Chromium for several people (examiners, a candidate), each in a context of their own: the
 * panel room's tests need three examiners and a candidate, and three browsers would not fit two
 * cores. `args` adds flags, e.g. a fake microphone playing a file.
 */
export async function launchChromiumBrowser(options: { args?: readonly string[]; locale?: string } = {}): Promise<ChromiumBrowser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not at ${CHROMIUM_PATH}: install Debian's chromium package (.ci/run does)`);
  }
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...(options.args ?? [])], headless: true });
  return {
    newContext: () => browser.newContext({ locale: options.locale ?? 'zh-CN', viewport: { width: 1280, height: 800 } }),
    close: () => browser.close(),
  };
}
