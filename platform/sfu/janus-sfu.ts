import { JanusConnection } from './janus-api';
import { startJanusProcess, type JanusProcess, type JanusProcessOptions } from './janus-process';
import { createJanusRoom, type JanusRoom } from './janus-room';
import { sessionTokenSigner } from './janus-token';
import type { Sfu, SfuRoom, SfuStatus } from './sfu';

/**
 * The reference platform's SFU: its own Janus (janus-process.ts) behind the Sfu interface.
 * The status is the process's, except that `up` waits until our API connection is open; when
 * Janus dies (or the connection to it), every room is dropped — each peer hears
 * onClosed('sfu_restarted') — and the caller opens its rooms again once the status is `up`.
 */

export interface JanusSfuOptions extends JanusProcessOptions {
  /** Concurrent publishers per room (at least 16, the default). */
  readonly publishersPerRoom?: number | undefined;
  /** Where exceptions thrown by the caller's peer handlers are reported (default: console.error). */
  readonly report?: ((error: unknown) => void) | undefined;
}

export interface JanusSfu extends Sfu {
  /** The running Janus's process id (null while none runs): for tests and diagnostics. */
  readonly janusPid: number | null;
}

const RECONNECT_DELAY_MS = 500;

/** Starts the platform's Janus; resolves with its status `up`, or `unavailable` with why. */
export async function startJanusSfu(options: JanusSfuOptions = {}): Promise<JanusSfu> {
  const janus = await startJanusProcess(options);
  const sfu = new JanusBackedSfu(janus, options);
  await sfu.connectIfUp();
  return sfu;
}

class JanusBackedSfu implements JanusSfu {
  #status: SfuStatus;
  #connection: JanusConnection | null = null;
  #rooms = new Set<JanusRoom>();
  #stopped = false;
  /** Bumped on every process status change: a connect that finishes late for an old Janus is dropped. */
  #generation = 0;
  readonly #listeners = new Set<(status: SfuStatus) => void>();

  constructor(
    readonly janus: JanusProcess,
    readonly options: JanusSfuOptions,
  ) {
    this.#status = janus.status.state === 'up' ? { state: 'restarting', why: 'connecting to Janus' } : janus.status;
    janus.onStatus((status) => this.#onProcessStatus(status));
  }

  get status(): SfuStatus {
    return this.#status;
  }

  get janusPid(): number | null {
    return this.janus.endpoint?.pid ?? null;
  }

  onStatus(listener: (status: SfuStatus) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async openRoom(roomKey: string): Promise<SfuRoom> {
    const connection = this.#connection;
    const endpoint = this.janus.endpoint;
    if (this.#status.state !== 'up' || !connection || !endpoint) {
      throw new Error(`the SFU is not up (${describe(this.#status)})`);
    }
    // One Janus session per room, with its own signed token.
    const session = await connection.createSession(sessionTokenSigner(endpoint.secrets.tokenAuthSecret));
    try {
      const room = await createJanusRoom(session, roomKey, {
        adminKey: endpoint.secrets.videoroomAdminKey,
        publishers: this.options.publishersPerRoom ?? 16,
        report: this.options.report ?? ((error) => console.error('SFU peer handler failed:', error)),
        onClose: (closed) => this.#rooms.delete(closed),
      });
      if (this.#connection !== connection) {
        // Janus went away while the room was being made: it is gone with it.
        room.drop();
        throw new Error('the SFU restarted while the room was being opened');
      }
      this.#rooms.add(room);
      return room;
    } catch (error) {
      await session.destroy();
      throw error;
    }
  }

  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#generation++;
    await Promise.all([...this.#rooms].map((room) => room.close()));
    this.#rooms.clear();
    this.#connection?.close();
    this.#connection = null;
    await this.janus.stop();
    this.#setStatus({ state: 'unavailable', why: 'unreachable', detail: 'the SFU was stopped' });
    this.#listeners.clear();
  }

  /** Opens the API connection when Janus is up; on failure, retries while Janus stays up. */
  async connectIfUp(): Promise<void> {
    const generation = this.#generation;
    const endpoint = this.janus.endpoint;
    if (this.#stopped || this.janus.status.state !== 'up' || !endpoint) return;
    let connection: JanusConnection;
    try {
      connection = await JanusConnection.connect(endpoint.url);
    } catch (error) {
      if (generation !== this.#generation || this.#stopped) return;
      this.#setStatus({ state: 'restarting', why: error instanceof Error ? error.message : String(error) });
      this.#retryConnect(generation);
      return;
    }
    if (generation !== this.#generation || this.#stopped) {
      connection.close();
      return;
    }
    this.#connection = connection;
    connection.onClose((why) => this.#onConnectionLost(connection, why));
    this.#setStatus({ state: 'up' });
  }

  #retryConnect(generation: number): void {
    setTimeout(() => {
      if (generation === this.#generation) void this.connectIfUp();
    }, RECONNECT_DELAY_MS).unref();
  }

  #onConnectionLost(connection: JanusConnection, why: string): void {
    if (this.#connection !== connection || this.#stopped) return;
    this.#connection = null;
    this.#dropRooms();
    this.#setStatus({ state: 'restarting', why });
    // If Janus itself died, the process's restart brings a new status; if only the socket did, reconnect.
    this.#retryConnect(this.#generation);
  }

  #onProcessStatus(status: SfuStatus): void {
    if (this.#stopped) return;
    this.#generation++;
    if (status.state === 'up') {
      void this.connectIfUp();
      return;
    }
    const connection = this.#connection;
    this.#connection = null;
    this.#dropRooms();
    connection?.close();
    this.#setStatus(status);
  }

  #dropRooms(): void {
    const rooms = [...this.#rooms];
    this.#rooms.clear();
    for (const room of rooms) room.drop();
  }

  #setStatus(status: SfuStatus): void {
    if (sameStatus(this.#status, status)) return;
    this.#status = status;
    for (const listener of [...this.#listeners]) listener(status);
  }
}

function sameStatus(a: SfuStatus, b: SfuStatus): boolean {
  return describe(a) === describe(b);
}

function describe(status: SfuStatus): string {
  switch (status.state) {
    case 'up':
      return 'up';
    case 'restarting':
      return `restarting: ${status.why}`;
    case 'unavailable':
      return `unavailable (${status.why}): ${status.detail}`;
  }
}
