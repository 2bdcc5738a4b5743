import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { ConfigError, parseFlags, resolveConfig } from '../main/config';
import { startBrowserHost } from '../main/host/browser-host';
import { createLogger } from '../main/log';
import { StoreError } from '../main/store/database';
import { storeErrorReport } from '../main/store/store-error';
import { createWorkstation } from '../main/workstation';
import { CANDIDATE_PAGE_DIR, startPlatform, type RunningPlatform } from '../platform/server';
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
  // The demo's simulation is this script's own switch, not a workstation setting.
  const simulation = !process.argv.includes('--no-simulation') && process.env.EXAMINER_DEMO_SIMULATION !== '0';
  const argv = process.argv.slice(2).filter((arg) => arg !== '--no-simulation');
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
    say(platform.mediaNotice);
    if (simulation) {
      await ensureCandidatePageBuilt(say);
      const stopSimulation = startSimulation(platform, say);
      closers.push(async () => stopSimulation());
    } else {
      say('Demo simulation off (--no-simulation / EXAMINER_DEMO_SIMULATION=0): no simulated candidates or co-examiners.');
    }
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
  say(`Open ${host.newLaunchUrl()} (the address opens the workstation once)`);
  if (process.stdin.isTTY) {
    // Another browser, or one that lost its cookie, needs an address of its own.
    say('Press Enter for another address.');
    createInterface({ input: process.stdin }).on('line', () => say(`Open ${host.newLaunchUrl()}`));
  }

  const stop = () => {
    workstation.stop();
    void Promise.all(closers.map((close) => close())).then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** Builds the candidate page (dist/platform-web) when it is missing: the demo prints its address. */
async function ensureCandidatePageBuilt(say: (line: string) => void): Promise<void> {
  if (existsSync(join(CANDIDATE_PAGE_DIR, 'index.html'))) return;
  say('Building the candidate page…');
  const root = fileURLToPath(new URL('..', import.meta.url));
  await build({ configFile: join(root, 'vite.platform-web.config.ts'), logLevel: 'warn' }).catch((error: unknown) => {
    say(`The candidate page could not be built (${(error as Error).message}); the simulation runs without it.`);
  });
}

/**
 * The demo's simulated candidates and co-examiners (platform/sim/demo.ts) in a child process:
 * if WebRTC crashes there, one line says so and the workstation carries on. Returns how to stop it.
 */
function startSimulation(platform: RunningPlatform, say: (line: string) => void): () => void {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'platform/sim/demo-cli.ts')], {
    cwd: root,
    env: {
      ...process.env,
      TSX_TSCONFIG_PATH: join(root, 'tsconfig.node.json'),
      EXAMINER_DEMO_PLATFORM_URL: platform.url,
      EXAMINER_DEMO_ADMIN_SECRET: platform.adminSecret,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stopping = false;
  if (child.stdout) createInterface({ input: child.stdout }).on('line', say);
  // wrtc and ws are chatty on stderr when peers end; only the exit is worth a line.
  child.stderr?.resume();
  child.on('error', (error) => say(`Demo simulation could not start (${error.message}); the workstation carries on.`));
  child.on('exit', (code, signal) => {
    if (!stopping) say(`Demo simulation stopped (${signal ?? `exit code ${String(code)}`}); the workstation carries on.`);
  });
  return () => {
    stopping = true;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  };
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
    process.stderr.write(`Examiner Workstation cannot open its data:\n${storeErrorReport(error)}\n`);
    process.exit(3);
  }
  if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    process.stderr.write(`Examiner Workstation: the port is taken; start with --port N (or EXAMINER_PORT=N)\n`);
    process.exit(2);
  }
  throw error;
});
