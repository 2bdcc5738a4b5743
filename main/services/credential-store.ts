import { Session } from '@common/contract';
import type { Store } from '../store/connection';
import { sql } from '../store/sql';

/**
 * Seals the platform token for storage. The Electron shell provides one backed by the OS
 * keychain (safeStorage); where there is no real keychain, or in the browser host, `persistent`
 * is false and the token is never written to disk.
 */
export interface SecretBox {
  readonly persistent: boolean;
  seal(plain: string): Buffer;
  open(sealed: Buffer): string;
}

/** Keeps nothing: the browser host's box, and Electron's where safeStorage would use a fixed password. */
export const memoryOnlyBox: SecretBox = {
  persistent: false,
  seal: () => {
    throw new Error('this workstation does not persist tokens');
  },
  open: () => {
    throw new Error('this workstation does not persist tokens');
  },
};

export interface StoredCredentials {
  readonly session: Session;
  readonly token: string;
}

interface CredentialRow {
  platform_origin: string;
  examiner: string;
  sealed_token: Buffer;
  signed_in_at: string;
  expires_at: string;
}

/** The signed-in examiner across restarts, for the platform it signed in to. */
export class CredentialStore {
  constructor(
    private readonly store: Store,
    private readonly box: SecretBox,
  ) {}

  save(platformOrigin: string, credentials: StoredCredentials): void {
    if (!this.box.persistent) return;
    const sealed = this.box.seal(credentials.token);
    const examiner = JSON.stringify(credentials.session.examiner);
    this.store.transaction((db) =>
      db.run(sql`INSERT INTO credentials (id, platform_origin, examiner, sealed_token, signed_in_at, expires_at)
                 VALUES (1, ${platformOrigin}, ${examiner}, ${sealed}, ${credentials.session.signedInAt}, ${credentials.session.expiresAt})
                 ON CONFLICT (id) DO UPDATE SET platform_origin = excluded.platform_origin, examiner = excluded.examiner,
                   sealed_token = excluded.sealed_token, signed_in_at = excluded.signed_in_at, expires_at = excluded.expires_at`),
    );
  }

  /** The stored sign-in for this platform, if any, unexpired and readable; otherwise null (and forgotten). */
  load(platformOrigin: string, now: Date): StoredCredentials | null {
    if (!this.box.persistent) return null;
    const row = this.store.reader.get<CredentialRow>(sql`SELECT * FROM credentials WHERE id = 1`);
    if (!row) return null;
    try {
      const session = Session.parse({ examiner: JSON.parse(row.examiner), signedInAt: row.signed_in_at, expiresAt: row.expires_at });
      if (row.platform_origin !== platformOrigin || Date.parse(session.expiresAt) <= now.getTime()) throw new Error('stale');
      return { session, token: this.box.open(row.sealed_token) };
    } catch {
      this.clear();
      return null;
    }
  }

  clear(): void {
    this.store.transaction((db) => db.run(sql`DELETE FROM credentials`));
  }
}
