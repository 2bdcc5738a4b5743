import { ContractFailure, type PlatformHealth } from '@common/contract';
import { HealthResponse } from '@common/platform/wire';
import type { EventHub } from '../contract/event-hub';
import type { PlatformClient } from '../platform/client';
import { systemClock, type Clock } from '../util/clock';

export interface HealthMonitorOptions {
  /** How often to ask while the platform answers. */
  readonly onlineIntervalMs?: number;
  /** How often to ask while it does not, so the UI notices its return quickly. */
  readonly offlineIntervalMs?: number;
  readonly timeoutMs?: number;
  readonly now?: Clock;
}

/**
 * Knows whether the platform answers. Polls its health endpoint, faster while it is down,
 * and pushes `platform.health` when the state changes. Later services (sync) pause and resume
 * on these changes.
 */
export class PlatformHealthMonitor {
  #health: PlatformHealth;
  #timer: NodeJS.Timeout | null = null;
  #inFlight: Promise<PlatformHealth> | null = null;
  #stopped = true;
  readonly #listeners = new Set<(health: PlatformHealth) => void>();

  constructor(
    private readonly client: PlatformClient,
    private readonly hub: EventHub,
    private readonly options: HealthMonitorOptions = {},
  ) {
    this.#health = {
      state: client.origin === null ? 'unconfigured' : 'unknown',
      checkedAt: null,
      lastOnlineAt: null,
      latencyMs: null,
      platformVersion: null,
      error: null,
    };
  }

  get current(): PlatformHealth {
    return this.#health;
  }

  start(): void {
    if (!this.#stopped || this.client.origin === null) return;
    this.#stopped = false;
    void this.#tick();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  onChange(listener: (health: PlatformHealth) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Asks now; concurrent callers share one request. */
  check(): Promise<PlatformHealth> {
    if (this.client.origin === null) return Promise.resolve(this.#health);
    this.#inFlight ??= this.#probe().finally(() => {
      this.#inFlight = null;
    });
    return this.#inFlight;
  }

  async #tick(): Promise<void> {
    await this.check();
    if (this.#stopped) return;
    const online = this.#health.state === 'online';
    const delay = online ? (this.options.onlineIntervalMs ?? 10_000) : (this.options.offlineIntervalMs ?? 2_000);
    this.#timer = setTimeout(() => void this.#tick(), delay);
    this.#timer.unref();
  }

  async #probe(): Promise<PlatformHealth> {
    const now = this.options.now ?? systemClock;
    const started = performance.now();
    let next: PlatformHealth;
    try {
      const { data } = await this.client.request({
        method: 'GET',
        path: '/health',
        schema: HealthResponse,
        timeoutMs: this.options.timeoutMs ?? 3_000,
      });
      const at = now().toISOString();
      next = {
        state: 'online',
        checkedAt: at,
        lastOnlineAt: at,
        latencyMs: Math.round(performance.now() - started),
        platformVersion: data.version,
        error: null,
      };
    } catch (error) {
      const message = error instanceof ContractFailure ? error.message : String(error);
      next = { ...this.#health, state: 'offline', checkedAt: now().toISOString(), latencyMs: null, error: message };
    }
    const changed = next.state !== this.#health.state || next.platformVersion !== this.#health.platformVersion;
    this.#health = next;
    if (changed) {
      this.hub.emit('platform.health', next);
      for (const listener of this.#listeners) listener(next);
    }
    return next;
  }
}
