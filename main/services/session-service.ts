import { ContractFailure, type LoginInput, type Session } from '@common/contract';
import { LoginResponse } from '@common/platform/wire';
import type { EventHub } from '../contract/event-hub';
import type { PlatformClient } from '../platform/client';
import { systemClock, type Clock } from '../util/clock';
import type { CredentialStore } from './credential-store';

interface SignedIn {
  readonly session: Session;
  readonly token: string;
}

/**
 * The signed-in examiner and their platform token. The token lives here, in main, and is never
 * part of anything sent to the renderer; it survives a restart only where the OS keychain can
 * seal it (see CredentialStore).
 */
export class SessionService {
  #current: SignedIn | null = null;
  #expiryTimer: NodeJS.Timeout | null = null;
  readonly #listeners = new Set<(session: Session | null) => void>();

  constructor(
    private readonly client: PlatformClient,
    private readonly hub: EventHub,
    private readonly credentials: CredentialStore | null = null,
    private readonly now: Clock = systemClock,
  ) {}

  get session(): Session | null {
    return this.#current?.session ?? null;
  }

  /** Signs back in from stored credentials, without asking the platform (it may be offline). */
  restore(): void {
    if (!this.credentials || this.client.origin === null) return;
    const stored = this.credentials.load(this.client.origin, this.now());
    if (stored) this.#set(stored, false);
  }

  /** The token for an authorised platform call; refuses when nobody is signed in. */
  requireToken(): string {
    if (!this.#current) throw new ContractFailure('not_signed_in', 'sign in first');
    return this.#current.token;
  }

  requireExaminerId(): string {
    if (!this.#current) throw new ContractFailure('not_signed_in', 'sign in first');
    return this.#current.session.examiner.id;
  }

  onChange(listener: (session: Session | null) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async login(input: LoginInput): Promise<Session> {
    const { data } = await this.client.request({
      method: 'POST',
      path: '/auth/login',
      body: { username: input.username, password: input.password },
      schema: LoginResponse,
      unauthorizedAs: 'invalid_credentials',
    });
    const session: Session = {
      examiner: { id: data.examiner.id, displayName: data.examiner.displayName, roles: data.examiner.roles },
      signedInAt: this.now().toISOString(),
      expiresAt: data.expiresAt,
    };
    this.#set({ session, token: data.token }, true);
    return session;
  }

  logout(): void {
    this.credentials?.clear();
    this.#set(null, false);
  }

  /** Called when the platform says the token is no longer good. */
  expire(): void {
    if (!this.#current) return;
    this.credentials?.clear();
    this.#set(null, false);
  }

  dispose(): void {
    if (this.#expiryTimer) clearTimeout(this.#expiryTimer);
  }

  #set(next: SignedIn | null, persist: boolean): void {
    if (this.#expiryTimer) clearTimeout(this.#expiryTimer);
    this.#expiryTimer = null;
    this.#current = next;
    if (next) {
      if (persist && this.client.origin !== null) this.credentials?.save(this.client.origin, next);
      const ms = Date.parse(next.session.expiresAt) - this.now().getTime();
      // setTimeout overflows past ~24.8 days; a longer token is re-checked by the platform anyway.
      this.#expiryTimer = setTimeout(() => this.expire(), Math.max(0, Math.min(ms, 2 ** 31 - 1)));
      this.#expiryTimer.unref();
    }
    this.hub.emit('session.changed', next?.session ?? null);
    for (const listener of this.#listeners) listener(next?.session ?? null);
  }
}
