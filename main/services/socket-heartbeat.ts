import { HEARTBEAT } from '@common/platform';
import { systemClock, type Clock } from '../util/clock';

/**
 * The application-level liveness of one realtime socket (common/platform/realtime.ts,
 * "Liveness"): sends `heartbeat` every HEARTBEAT.intervalMs and declares the socket dead when
 * nothing at all was heard for HEARTBEAT.deadAfterMs. A socket whose network vanished without
 * a FIN is so noticed in about two seconds, not when TCP gives up minutes later.
 */
export class SocketHeartbeat {
  #lastHeard: number;
  #lastSent = 0;
  #timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly send: () => void,
    private readonly onDead: () => void,
    private readonly timing: { readonly intervalMs: number; readonly deadAfterMs: number } = HEARTBEAT,
    private readonly clock: Clock = systemClock,
  ) {
    this.#lastHeard = this.#now();
  }

  start(): void {
    this.stop();
    this.#lastHeard = this.#now();
    this.#lastSent = 0;
    // Checked several times per interval, so a dead socket is noticed soon after deadAfterMs.
    const tickMs = Math.max(20, Math.min(this.timing.intervalMs, this.timing.deadAfterMs) / 4);
    this.#timer = setInterval(() => this.#beat(), tickMs);
    this.#timer.unref();
  }

  /** Any message from the other side counts. */
  heard(): void {
    this.#lastHeard = this.#now();
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  #now(): number {
    return this.clock().getTime();
  }

  #beat(): void {
    const now = this.#now();
    if (now - this.#lastHeard > this.timing.deadAfterMs) {
      this.stop();
      this.onDead();
      return;
    }
    if (now - this.#lastSent >= this.timing.intervalMs) {
      this.#lastSent = now;
      this.send();
    }
  }
}
