import { ContractFailure, type LoginInput, type Session } from '@common/contract';
import { LoginResponse } from '@common/platform/wire';
import type { EventHub } from '../contract/event-hub';
import type { PlatformClient } from '../platform/client';

interface SignedIn {
  readonly session: Session;
  readonly token: string;
}

/**
 * The signed-in examiner and their platform token. The token lives here, in main, and is never
 * part of anything sent to the renderer. (Persisting it across restarts is the store's job.)
 */
export class SessionService {
  #current: SignedIn | null = null;
  #expiryTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly client: PlatformClient,
    private readonly hub: EventHub,
    private readonly now: () => Date = () => new Date(),
  ) {}

  get session(): Session | null {
    return this.#current?.session ?? null;
  }

  /** The token for an authorised platform call; refuses when nobody is signed in. */
  requireToken(): string {
    if (!this.#current) throw new ContractFailure('not_signed_in', 'sign in first');
    return this.#current.token;
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
    this.#set({ session, token: data.token });
    return session;
  }

  logout(): void {
    this.#set(null);
  }

  /** Called when the platform says the token is no longer good. */
  expire(): void {
    if (this.#current) this.#set(null);
  }

  dispose(): void {
    if (this.#expiryTimer) clearTimeout(this.#expiryTimer);
  }

  #set(next: SignedIn | null): void {
    if (this.#expiryTimer) clearTimeout(this.#expiryTimer);
    this.#expiryTimer = null;
    this.#current = next;
    if (next) {
      const ms = Date.parse(next.session.expiresAt) - this.now().getTime();
      // setTimeout overflows past ~24.8 days; a longer token is re-checked by the platform anyway.
      this.#expiryTimer = setTimeout(() => this.expire(), Math.max(0, Math.min(ms, 2 ** 31 - 1)));
      this.#expiryTimer.unref();
    }
    this.hub.emit('session.changed', next?.session ?? null);
  }
}
