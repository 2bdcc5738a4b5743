import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, isAbsolute, join } from 'node:path';
import { JanusConnection } from './janus-api';
import { defaultIceAddresses, findJanusLibDir, freeLoopbackPort, newJanusSecrets, writeJanusConfig, type JanusSecrets } from './janus-config';
import type { SfuStatus } from './sfu';

/**
 * The platform's own Janus process: found (option → PLATFORM_JANUS_PATH → `janus` on PATH),
 * configured in a folder of ours, started, probed until its WebSocket API answers, restarted
 * with a bounded backoff when it dies, and stopped (SIGTERM, then SIGKILL) with nothing left
 * behind — also when the platform itself exits or is killed.
 */

export interface JanusProcessOptions {
  /** The janus binary; else PLATFORM_JANUS_PATH, else `janus` on PATH. */
  readonly binary?: string | undefined;
  /** Where Janus's modules are; found next to the binary when absent. */
  readonly libDir?: string | undefined;
  /** The configuration folder to write; a temporary one (removed by stop()) when absent. */
  readonly configDir?: string | undefined;
  /**
   * Janus's ice_enforce_list: the addresses (or interface names) ICE may use; this machine's
   * first non-loopback IPv4 address when absent (Janus cannot gather on loopback).
   */
  readonly iceEnforceList?: readonly string[] | undefined;
  readonly rtpPortRange?: { readonly min: number; readonly max: number } | undefined;
  readonly iceLite?: boolean | undefined;
  /** How long a start may take until the API answers (default 15 s). */
  readonly startTimeoutMs?: number | undefined;
  /** Restart backoff: first delay and cap (default 250 ms, 5 s); gives up after `maxRestartAttempts` failures in a row (default 6). */
  readonly restartDelayMs?: { readonly first: number; readonly max: number } | undefined;
  readonly maxRestartAttempts?: number | undefined;
}

/** Where the running Janus answers, and the secrets it was started with. */
export interface JanusEndpoint {
  readonly url: string;
  readonly secrets: JanusSecrets;
  readonly pid: number;
}

export interface JanusProcess {
  readonly status: SfuStatus;
  /** The running Janus while the status is `up`; null otherwise. */
  readonly endpoint: JanusEndpoint | null;
  onStatus(listener: (status: SfuStatus) => void): () => void;
  /** Stops Janus (SIGTERM, SIGKILL after a grace) and removes the temporary folder; idempotent. */
  stop(): Promise<void>;
}

const DEFAULT_START_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 3_000;
const PROBE_INTERVAL_MS = 100;
const LOG_LINES_KEPT = 20;

/** The binary to run, or why there is none. */
export function resolveJanusBinary(option?: string): { path: string } | { missing: string } {
  const explicit = option ?? process.env['PLATFORM_JANUS_PATH'];
  if (explicit) {
    return isExecutable(explicit) ? { path: explicit } : { missing: `Janus binary ${explicit} is not an executable file` };
  }
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const candidate = join(dir, 'janus');
    if (isExecutable(candidate)) return { path: candidate };
  }
  return { missing: 'Janus is not installed (no PLATFORM_JANUS_PATH and no `janus` on PATH)' };
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Starts Janus; resolves once it answers (`up`) or could not (`unavailable`, with the reason). */
export async function startJanusProcess(options: JanusProcessOptions = {}): Promise<JanusProcess> {
  const binary = resolveJanusBinary(options.binary);
  if ('missing' in binary) return unavailableProcess({ state: 'unavailable', why: 'not_installed', detail: binary.missing });
  const libDir = options.libDir ?? findJanusLibDir(binary.path);
  if (!libDir) {
    return unavailableProcess({
      state: 'unavailable',
      why: 'not_installed',
      detail: `Janus's VideoRoom plugin was not found next to ${binary.path} (set libDir)`,
    });
  }
  const iceEnforceList = options.iceEnforceList ?? defaultIceAddresses();
  if (iceEnforceList.length === 0) {
    return unavailableProcess({
      state: 'unavailable',
      why: 'unreachable',
      detail: 'no network address for ICE: Janus never uses loopback, and this machine has no other IPv4 interface',
    });
  }
  const supervisor = new JanusSupervisor(binary.path, libDir, { ...options, iceEnforceList });
  await supervisor.start();
  return supervisor;
}

function unavailableProcess(status: SfuStatus): JanusProcess {
  return { status, endpoint: null, onStatus: () => () => undefined, stop: () => Promise.resolve() };
}

/** Runs setpriv when present so the kernel kills Janus if the platform dies without cleaning up. */
const SETPRIV = ['/usr/bin/setpriv', '/bin/setpriv'].find((path) => existsSync(path)) ?? null;

class JanusSupervisor implements JanusProcess {
  #status: SfuStatus = { state: 'restarting', why: 'starting' };
  #endpoint: JanusEndpoint | null = null;
  #child: ChildProcess | null = null;
  #stopping = false;
  #restartTimer: NodeJS.Timeout | null = null;
  #failuresInARow = 0;
  readonly #listeners = new Set<(status: SfuStatus) => void>();
  readonly #secrets = newJanusSecrets();
  readonly #configDir: string;
  readonly #ownsConfigDir: boolean;
  readonly #log: string[] = [];
  readonly #killOnExit = () => this.#child?.kill('SIGKILL');

  constructor(
    readonly binary: string,
    readonly libDir: string,
    readonly options: JanusProcessOptions,
  ) {
    this.#ownsConfigDir = options.configDir === undefined;
    this.#configDir = options.configDir ?? mkdtempSync(join(tmpdir(), 'platform-janus-'));
  }

  get status(): SfuStatus {
    return this.#status;
  }

  get endpoint(): JanusEndpoint | null {
    return this.#endpoint;
  }

  onStatus(listener: (status: SfuStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The first start: no retry here; the caller falls back (direct peers) and says why. */
  async start(): Promise<void> {
    process.on('exit', this.#killOnExit);
    const failure = await this.#spawnOnce();
    if (failure) {
      this.#setStatus({ state: 'unavailable', why: 'unreachable', detail: failure });
      this.#cleanUp();
    }
  }

  async stop(): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    if (this.#restartTimer) clearTimeout(this.#restartTimer);
    const child = this.#child;
    if (child) await terminate(child);
    this.#endpoint = null;
    this.#cleanUp();
    if (this.#status.state !== 'unavailable') {
      this.#setStatus({ state: 'unavailable', why: 'unreachable', detail: 'Janus was stopped by the platform' });
    }
    this.#listeners.clear();
  }

  #cleanUp(): void {
    process.off('exit', this.#killOnExit);
    if (this.#ownsConfigDir) rmSync(this.#configDir, { recursive: true, force: true });
  }

  #setStatus(status: SfuStatus): void {
    this.#status = status;
    for (const listener of [...this.#listeners]) listener(status);
  }

  /** Spawns Janus and waits until it answers; null when up, else why not (it is killed then). */
  async #spawnOnce(): Promise<string | null> {
    const wsPort = await freeLoopbackPort();
    const folder = writeJanusConfig(this.#configDir, {
      libDir: this.libDir,
      secrets: this.#secrets,
      wsPort,
      iceEnforceList: this.options.iceEnforceList ?? [],
      rtpPortRange: this.options.rtpPortRange,
      iceLite: this.options.iceLite,
    });
    const janusArgs = ['-F', folder.dir, '-C', folder.configFile];
    const [command, args] = SETPRIV
      ? [SETPRIV, ['--pdeathsig', 'KILL', '--', this.binary, ...janusArgs]]
      : [this.binary, janusArgs];
    this.#log.length = 0;
    // A process group of its own: a Ctrl-C meant for the platform must not end Janus behind our back
    // (stop() does, in order); setpriv's parent-death signal still ends it if the platform dies.
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: folder.dir, detached: true });
    this.#child = child;
    const exited = new Promise<string>((resolve) => {
      child.once('error', (error) => resolve(`Janus could not be started: ${error.message}`));
      child.once('exit', (code, signal) => resolve(`Janus exited (${signal ?? `code ${code}`})`));
    });
    child.stdout?.on('data', (chunk: Buffer) => this.#keepLog(chunk));
    child.stderr?.on('data', (chunk: Buffer) => this.#keepLog(chunk));

    const url = `ws://127.0.0.1:${wsPort}`;
    const timeoutMs = this.options.startTimeoutMs ?? DEFAULT_START_TIMEOUT_MS;
    const answered = await Promise.race([probe(url, timeoutMs, () => this.#stopping), exited.then((why) => why)]);
    if (answered !== true) {
      await terminate(child);
      if (this.#child === child) this.#child = null;
      const tail = this.#log.slice(-5).join(' | ');
      const why = answered === false ? `Janus did not answer on ${url} within ${timeoutMs} ms` : answered;
      return tail ? `${why}: ${tail}` : why;
    }
    this.#endpoint = { url, secrets: this.#secrets, pid: child.pid ?? -1 };
    this.#failuresInARow = 0;
    void exited.then((why) => this.#onUnexpectedExit(child, why));
    this.#setStatus({ state: 'up' });
    return null;
  }

  #keepLog(chunk: Buffer): void {
    for (const line of chunk.toString('utf8').split('\n')) {
      const trimmed = line.trim();
      if (!trimmed) continue;
      this.#log.push(trimmed);
      if (this.#log.length > LOG_LINES_KEPT) this.#log.shift();
    }
  }

  #onUnexpectedExit(child: ChildProcess, why: string): void {
    if (this.#stopping || this.#child !== child) return;
    this.#child = null;
    this.#endpoint = null;
    this.#setStatus({ state: 'restarting', why });
    this.#scheduleRestart();
  }

  #scheduleRestart(): void {
    const { first, max } = this.options.restartDelayMs ?? { first: 250, max: 5_000 };
    const delay = Math.min(max, first * 2 ** this.#failuresInARow);
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = null;
      void this.#restart();
    }, delay);
  }

  async #restart(): Promise<void> {
    if (this.#stopping) return;
    const failure = await this.#spawnOnce();
    if (!failure || this.#stopping) return;
    this.#failuresInARow++;
    if (this.#failuresInARow >= (this.options.maxRestartAttempts ?? 6)) {
      this.#setStatus({ state: 'unavailable', why: 'unreachable', detail: `Janus did not come back: ${failure}` });
      this.#cleanUp();
      return;
    }
    this.#setStatus({ state: 'restarting', why: failure });
    this.#scheduleRestart();
  }
}

/** True once Janus answers `info` at url; false after the timeout or when told to give up. */
async function probe(url: string, timeoutMs: number, givenUp: () => boolean): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !givenUp()) {
    try {
      const connection = await JanusConnection.connect(url, Math.max(100, deadline - Date.now()));
      try {
        await connection.info();
        return true;
      } finally {
        connection.close();
      }
    } catch {
      await new Promise((resolve) => setTimeout(resolve, PROBE_INTERVAL_MS));
    }
  }
  return false;
}

/** SIGTERM, then SIGKILL after a grace; resolves once the process is gone. */
async function terminate(child: ChildProcess): Promise<void> {
  // Never started (spawn error) or already gone: nothing to end.
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await gone;
  clearTimeout(timer);
}
