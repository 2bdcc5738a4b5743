import { createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { Role, type ExaminerProfile } from '@common/platform/wire';
import type { Clock } from '../clock';
import type { PlatformDb } from '../db/database';

export interface AccountSeed {
  readonly id: string;
  readonly username: string;
  readonly password: string;
  readonly displayName: string;
  readonly roles: readonly Role[];
}

const KEY_LENGTH = 32;
const Roles = z.array(Role);

interface AccountRow {
  id: string;
  display_name: string;
  roles: string;
  salt: Buffer;
  hash: Buffer;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * Examiner accounts and their bearer tokens, in the platform's database so a restarted
 * platform still honours the tokens it issued. Passwords are kept only as scrypt hashes,
 * tokens only as sha256 hashes.
 */
export class Accounts {
  constructor(
    private readonly db: PlatformDb,
    private readonly clock: Clock,
    private readonly tokenTtlMs: number,
  ) {}

  /** Adds accounts that do not exist yet (by id). */
  seed(seeds: readonly AccountSeed[]): void {
    const insert = this.db.prepare(
      'INSERT OR IGNORE INTO accounts (id, username, display_name, roles, salt, hash) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      for (const seed of seeds) {
        const salt = randomBytes(16);
        insert.run(seed.id, seed.username, seed.displayName, JSON.stringify(seed.roles), salt, scryptSync(seed.password, salt, KEY_LENGTH));
      }
    })();
  }

  /** A new token for valid credentials, or null. Unknown users cost the same scrypt as known ones. */
  login(username: string, password: string): { token: string; expiresAt: Date; examiner: ExaminerProfile } | null {
    const row = this.db.prepare('SELECT * FROM accounts WHERE username = ?').get(username) as AccountRow | undefined;
    const hash = scryptSync(password, row?.salt ?? Buffer.alloc(16), KEY_LENGTH);
    if (!row || !timingSafeEqual(hash, row.hash)) return null;
    const token = randomBytes(32).toString('base64url');
    const expiresAt = this.clock.now().getTime() + this.tokenTtlMs;
    this.db.prepare('INSERT INTO tokens (token_hash, account_id, expires_at) VALUES (?, ?, ?)').run(hashToken(token), row.id, expiresAt);
    return { token, expiresAt: new Date(expiresAt), examiner: profileOf(row) };
  }

  /** The examiner a live token belongs to, or null (unknown or expired). */
  authenticate(token: string): ExaminerProfile | null {
    const row = this.db
      .prepare(
        'SELECT a.*, t.expires_at FROM tokens t JOIN accounts a ON a.id = t.account_id WHERE t.token_hash = ?',
      )
      .get(hashToken(token)) as (AccountRow & { expires_at: number }) | undefined;
    if (!row) return null;
    if (row.expires_at <= this.clock.now().getTime()) {
      this.revoke(token);
      return null;
    }
    return profileOf(row);
  }

  profile(id: string): ExaminerProfile | null {
    const row = this.db.prepare('SELECT * FROM accounts WHERE id = ?').get(id) as AccountRow | undefined;
    return row ? profileOf(row) : null;
  }

  revoke(token: string): void {
    this.db.prepare('DELETE FROM tokens WHERE token_hash = ?').run(hashToken(token));
  }
}

function profileOf(row: AccountRow): ExaminerProfile {
  return { id: row.id, displayName: row.display_name, roles: Roles.parse(JSON.parse(row.roles)) };
}
