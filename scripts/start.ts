import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, parseFlags, resolveConfig } from '../main/config';
import { startBrowserHost } from '../main/host/browser-host';
import { createLogger } from '../main/log';
import { StoreError } from '../main/store/database';
import { createWorkstation } from '../main/workstation';
import { startPlatform } from '../platform/server';
import { buildElectron } from './build-electron';
import { ensureElectronBinary } from './electron-binary';
import { electronVersion, ensureElectronSqlite } from './electron-native';
import { ensureRendererBuilt } from './renderer-build';

/**
 * `npm start`: the workstation against the configured platform, or against the embedded
 * reference platform with demo data when none is configured. Opens the Electron window when
 * Electron's binary is present; otherwise serves the same workstation to a browser on loopback.
 */
async function main(): Promise<void> {
  const say = (line: string) => process.stdout.write(`${line}\n`);
  const argv = process.argv.slice(2);
  let config = resolveConfig({ argv });
  const port = Number(parseFlags(argv).port ?? process.env.EXAMINER_PORT ?? 4200);

  const closers: (() => Promise<void>)[] = [];
  if (config.platformUrl === null) {
    // Its state and demo recordings live beside the workstation's data: ffmpeg makes them on the first start only.
    const platformDir = join(config.dataDir, 'reference-platform');
    const platform = await startPlatform({ port: 0, dataDir: platformDir, demoMedia: true }).catch(async (error: unknown) => {
      // The demo's recordings need ffmpeg; without it the workstation still runs, with no recordings to review.
      say(`Demo recordings could not be made (${(error as Error).message}); starting without them.`);
      return startPlatform({ port: 0, dataDir: platformDir, demoMedia: false });
    });
    closers.push(platform.close);
    config = { ...config, platformUrl: platform.url, demo: true };
    say(`Embedded reference platform with demo data at ${platform.url} (sign in as examiner1 / demo1234)`);
  }

  const rendererDir = await ensureRendererBuilt(say);
  const electron = ensureElectronBinary();
  const sqliteBinding = electron ? await electronSqlite(say) : null;
  if (electron && sqliteBinding) {
    await buildElectron();
    const main = fileURLToPath(new URL('../dist/electron/main.cjs', import.meta.url));
    const child = spawn(electron, [main], {
      stdio: 'inherit',
      env: {
        ...process.env,
        EXAMINER_PLATFORM_URL: config.platformUrl ?? '',
        EXAMINER_DEMO: config.demo ? '1' : '0',
        EXAMINER_SQLITE_BINDING: sqliteBinding,
      },
    });
    child.on('exit', (code) => void Promise.all(closers.map((close) => close())).then(() => process.exit(code ?? 0)));
    return;
  }

  if (!electron) say('Electron is not installed on this machine, so the workstation is served to your browser instead.');
  const log = createLogger('host');
  const workstation = createWorkstation({ host: 'browser', config, log });
  workstation.start();
  const host = await startBrowserHost({ workstation, rendererDir, log, port: Number.isInteger(port) ? port : 4200 });
  closers.push(host.close);
  say(`Open ${host.launchUrl}`);

  const stop = () => {
    workstation.stop();
    void Promise.all(closers.map((close) => close())).then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** The database driver built for Electron (once per Electron version), or null with the reason said. */
async function electronSqlite(say: (line: string) => void): Promise<string | null> {
  try {
    return await ensureElectronSqlite({ electronVersion: electronVersion() });
  } catch (error) {
    say(`The database driver could not be built for Electron (${(error as Error).message}), so the workstation is served to your browser instead.`);
    return null;
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`Examiner Workstation: ${error.message}\n`);
    process.exit(2);
  }
  if (error instanceof StoreError) {
    process.stderr.write(`Examiner Workstation cannot open its data: ${error.message}\n`);
    process.exit(3);
  }
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    process.stderr.write(`Examiner Workstation: the port is taken; start with --port N (or EXAMINER_PORT=N)\n`);
    process.exit(2);
  }
  throw error;
});
