import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { PlatformOptions } from '../../platform/server';

export interface PlatformProcess {
  readonly url: string;
  readonly port: number;
  readonly adminSecret: string;
  stop(): Promise<void>;
}

type Serializable = Omit<PlatformOptions, 'clock' | 'notifier'>;

const ENTRY = fileURLToPath(new URL('./platform-process-entry.ts', import.meta.url));
const TSCONFIG = fileURLToPath(new URL('../../tsconfig.tests.json', import.meta.url));

/**
 * The reference platform in a process of its own, as a real deployment has it: benchmarks use
 * it so that the platform's work and the workstation's do not share one thread.
 */
export async function startPlatformProcess(options: Serializable): Promise<PlatformProcess> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', ENTRY, JSON.stringify(options)], {
    env: { ...process.env, TSX_TSCONFIG_PATH: TSCONFIG },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout ?? process.stdin });
  const ready = await new Promise<{ url: string; port: number; adminSecret: string }>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the platform process exited with ${code}`)));
    lines.on('line', (line) => {
      if (line.startsWith('{')) resolve(JSON.parse(line) as { url: string; port: number; adminSecret: string });
    });
  });
  return {
    ...ready,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
