import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Device, QueueState } from '@common/platform/queue';
import type { QuickMessageId } from '@common/platform/realtime';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ENTRY = join(ROOT, 'tests/support/candidate-process-entry.ts');

export interface CandidateProcessOptions {
  readonly platformUrl: string;
  readonly mainToken: string;
  readonly sideToken: string;
  readonly width?: number;
  readonly height?: number;
  readonly fps?: number;
  readonly tone?: boolean;
  /** Run inside this network namespace (`ip netns exec`); needs root. */
  readonly netns?: string;
}

export interface DeviceLine {
  readonly device: Device;
  readonly state: QueueState | null;
  readonly connection: string;
  /** The camera's link to the panel: none, connecting or connected (any publishing peer). */
  readonly publish: string;
  readonly publishers: number;
  readonly voices: number;
}

export interface CandidateProcess {
  /** Resolves with the first line (already printed or later) that satisfies `predicate`. */
  until(predicate: (line: DeviceLine) => boolean): Promise<DeviceLine>;
  drop(seconds: number, device: Device | 'both'): void;
  quickMessage(messageId: QuickMessageId): void;
  /** Bytes both phones sent so far on the peers that publish their cameras now (the uplink). */
  outboundBytes(): Promise<number>;
  stop(): Promise<void>;
}

/** A simulated candidate (both devices) in a child process: see candidate-process-entry.ts. */
export function startCandidateProcess(options: CandidateProcessOptions): CandidateProcess {
  const json = JSON.stringify({
    platformUrl: options.platformUrl,
    mainToken: options.mainToken,
    sideToken: options.sideToken,
    width: options.width ?? 640,
    height: options.height ?? 360,
    fps: options.fps ?? 15,
    tone: options.tone ?? false,
  });
  const node = [process.execPath, '--import', 'tsx', ENTRY, json];
  const [command, ...args] = options.netns ? ['ip', 'netns', 'exec', options.netns, ...node] : node;
  const child: ChildProcess = spawn(command ?? process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.tests.json') },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines: DeviceLine[] = [];
  const waiters = new Set<{ predicate: (line: DeviceLine) => boolean; resolve: (line: DeviceLine) => void }>();
  const byteWaiters: ((bytes: number) => void)[] = [];
  if (child.stdout) {
    createInterface({ input: child.stdout }).on('line', (text) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return;
      }
      if (typeof parsed === 'object' && parsed !== null && 'outboundBytes' in parsed) {
        byteWaiters.shift()?.(Number((parsed as { outboundBytes: unknown }).outboundBytes));
        return;
      }
      const line = parsed as DeviceLine;
      lines.push(line);
      for (const waiter of [...waiters]) {
        if (!waiter.predicate(line)) continue;
        waiters.delete(waiter);
        waiter.resolve(line);
      }
    });
  }
  const send = (command: unknown) => child.stdin?.write(`${JSON.stringify(command)}\n`);
  return {
    until: (predicate) => {
      const known = lines.find(predicate);
      if (known) return Promise.resolve(known);
      return new Promise((resolve) => waiters.add({ predicate, resolve }));
    },
    drop: (seconds, device) => send({ drop: seconds, device }),
    quickMessage: (messageId) => send({ quickMessage: messageId }),
    // Answers come in the order asked: the child answers each command line in turn.
    outboundBytes: () =>
      new Promise((resolve) => {
        byteWaiters.push(resolve);
        send({ outboundBytes: true });
      }),
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        send({ stop: true });
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
      }),
  };
}
