import WebSocket from 'ws';
import { HEARTBEAT, PushToExaminer, type ExaminerMessage } from '@common/platform/realtime';
import { GREETING_TIMEOUT_MS, MAX_RECONNECT_MS, RECONNECT_MS } from '../shared/candidate/device';

export interface ExaminerSocketEvents {
  message(message: PushToExaminer): void;
  /** Greeted (`hello`): the first time and after every reconnect; rooms and peers start over. */
  online(again: boolean): void;
  /** The socket was lost (closed, or silent for HEARTBEAT.deadAfterMs); its peers are gone. */
  lost(): void;
}

/**
 * An examiner's realtime socket in Node that keeps itself alive as the candidate device does:
 * a heartbeat every HEARTBEAT.intervalMs, taken for dead after HEARTBEAT.deadAfterMs of
 * silence, an attempt not greeted within GREETING_TIMEOUT_MS abandoned, and short waits between
 * attempts.
 */
export class ExaminerSocket {
  #socket: WebSocket | null = null;
  #timers = new Set<NodeJS.Timeout>();
  #watchdog: NodeJS.Timeout | null = null;
  #delay = RECONNECT_MS;
  #greeted = false;
  #closed = false;

  constructor(
    private readonly url: string,
    /** Sent as a bearer header: the platform refuses an examiner's token in the URL. */
    private readonly token: string,
    private readonly events: ExaminerSocketEvents,
  ) {}

  /** Opens the socket; resolves once greeted, or rejects when the first attempt fails. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = this.#open();
      socket.once('error', reject);
      const greeted = (message: PushToExaminer) => message.type === 'hello';
      const check = (data: WebSocket.RawData) => {
        const parsed = PushToExaminer.safeParse(safeJson(String(data)));
        if (parsed.success && greeted(parsed.data)) {
          socket.off('message', check);
          socket.off('error', reject);
          resolve();
        }
      };
      socket.on('message', check);
    });
  }

  send(message: ExaminerMessage): boolean {
    if (this.#socket?.readyState !== WebSocket.OPEN) return false;
    this.#socket.send(JSON.stringify(message));
    return true;
  }

  close(): void {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    if (this.#watchdog) clearTimeout(this.#watchdog);
    this.#socket?.close(1000, 'examiner left');
    this.#socket = null;
  }

  #open(): WebSocket {
    const socket = new WebSocket(this.url, { headers: { authorization: `Bearer ${this.token}` } });
    this.#socket = socket;
    let online = false;
    this.#arm(socket, GREETING_TIMEOUT_MS);
    socket.on('message', (data, isBinary) => {
      if (isBinary || this.#socket !== socket) return;
      if (online) this.#arm(socket, HEARTBEAT.deadAfterMs);
      const parsed = PushToExaminer.safeParse(safeJson(String(data)));
      if (!parsed.success) return;
      if (parsed.data.type === 'hello') {
        online = true;
        this.#delay = RECONNECT_MS;
        this.#arm(socket, HEARTBEAT.deadAfterMs);
        this.#beat(socket);
        const again = this.#greeted;
        this.#greeted = true;
        this.events.online(again);
        return;
      }
      this.events.message(parsed.data);
    });
    // A refused or failed connection ends in 'close' too, which retries.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (this.#socket === socket) this.#lost(socket);
    });
    return socket;
  }

  #lost(socket: WebSocket): void {
    this.#socket = null;
    socket.terminate();
    if (this.#watchdog) clearTimeout(this.#watchdog);
    this.events.lost();
    if (this.#closed) return;
    this.#later(() => {
      if (!this.#closed) this.#open();
    }, this.#delay);
    this.#delay = Math.min(MAX_RECONNECT_MS, this.#delay * 2);
  }

  #arm(socket: WebSocket, ms: number): void {
    if (this.#watchdog) clearTimeout(this.#watchdog);
    this.#watchdog = setTimeout(() => {
      if (this.#socket === socket) this.#lost(socket);
    }, ms);
  }

  #beat(socket: WebSocket): void {
    this.#later(() => {
      if (this.#socket !== socket) return;
      this.send({ type: 'heartbeat' });
      this.#beat(socket);
    }, HEARTBEAT.intervalMs);
  }

  #later(callback: () => void, ms: number): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      callback();
    }, ms);
    this.#timers.add(timer);
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
