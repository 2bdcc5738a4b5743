import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startBrowserHost, type BrowserHost } from '../../main/host/browser-host';
import { silentLogger } from '../../main/log';
import { createWorkstation, type Workstation } from '../../main/workstation';
import { startPlatform, type PlatformOptions, type RunningPlatform } from '../../platform/server';

export const RENDERER_DIR = fileURLToPath(new URL('../../dist/renderer', import.meta.url));

export interface Stack {
  readonly platform: RunningPlatform | null;
  readonly workstation: Workstation;
  readonly host: BrowserHost;
  readonly dataDir: string;
  stop(): Promise<void>;
}

/**
 * The reference platform, a workstation pointed at it and the browser host in front of it, all
 * real and on loopback, with a data folder of their own.
 */
export async function startStack(
  options: { platform?: PlatformOptions | false; platformUrl?: string; rendererDir?: string } = {},
): Promise<Stack> {
  const platform = options.platform === false ? null : await startPlatform(options.platform ?? {});
  const dataDir = mkdtempSync(join(tmpdir(), 'examiner-data-'));
  const workstation = createWorkstation({
    host: 'browser',
    config: { platformUrl: options.platformUrl ?? platform?.url ?? null, dataDir, demo: true },
    log: silentLogger,
    healthIntervalMs: { online: 500, offline: 200 },
  });
  workstation.start();
  const host = await startBrowserHost({ workstation, rendererDir: options.rendererDir ?? RENDERER_DIR, log: silentLogger });
  return {
    platform,
    workstation,
    host,
    dataDir,
    stop: async () => {
      workstation.stop();
      await host.close();
      await platform?.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A loopback port nothing listens on (taken from a platform that was started and closed). */
export async function closedPort(): Promise<number> {
  const platform = await startPlatform();
  await platform.close();
  return platform.port;
}
