import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import type { ExaminerProfile, Role } from '@common/platform/wire';

export interface AccountSeed {
  readonly id: string;
  readonly username: string;
  readonly password: string;
  readonly displayName: string;
  readonly roles: readonly Role[];
}

interface Account {
  readonly profile: ExaminerProfile;
  readonly username: string;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

interface Token {
  readonly examinerId: string;
  readonly expiresAt: number;
}

const KEY_LENGTH = 32;

/** Examiner accounts and their bearer tokens. Passwords are kept only as scrypt hashes. */
export class Accounts {
  readonly #byUsername = new Map<string, Account>();
  readonly #tokens = new Map<string, Token>();

  constructor(
    seeds: readonly AccountSeed[],
    private readonly tokenTtlMs: number,
    private readonly now: () => number = Date.now,
  ) {
    for (const seed of seeds) {
      const salt = randomBytes(16);
      this.#byUsername.set(seed.username, {
        username: seed.username,
        salt,
        hash: scryptSync(seed.password, salt, KEY_LENGTH),
        profile: { id: seed.id, displayName: seed.displayName, roles: [...seed.roles] },
      });
    }
  }

  /** A new token for valid credentials, or null. Unknown users cost the same scrypt as known ones. */
  login(username: string, password: string): { token: string; expiresAt: Date; examiner: ExaminerProfile } | null {
    const account = this.#byUsername.get(username);
    const salt = account?.salt ?? Buffer.alloc(16);
    const hash = scryptSync(password, salt, KEY_LENGTH);
    if (!account || !timingSafeEqual(hash, account.hash)) return null;
    const token = randomBytes(32).toString('base64url');
    const expiresAt = this.now() + this.tokenTtlMs;
    this.#tokens.set(token, { examinerId: account.profile.id, expiresAt });
    return { token, expiresAt: new Date(expiresAt), examiner: account.profile };
  }

  /** The examiner a live token belongs to, or null (unknown or expired). */
  authenticate(token: string): ExaminerProfile | null {
    const entry = this.#tokens.get(token);
    if (!entry) return null;
    if (entry.expiresAt <= this.now()) {
      this.#tokens.delete(token);
      return null;
    }
    for (const account of this.#byUsername.values()) {
      if (account.profile.id === entry.examinerId) return account.profile;
    }
    return null;
  }

  revoke(token: string): void {
    this.#tokens.delete(token);
  }
}
