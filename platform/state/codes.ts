import { createHmac, randomBytes } from 'node:crypto';
import { getMeta, setMeta, type PlatformDb } from '../db/database';

// Crockford base32 without I, L, O, U: codes are read aloud and typed by people.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * Blind candidate codes: each examiner gets a code for each candidate derived from a secret
 * the platform keeps, so codes are stable across restarts, differ between examiners, and say
 * nothing of the candidate's name or ID number.
 */
export class BlindCodes {
  readonly #secret: Buffer;

  constructor(db: PlatformDb) {
    let secret = getMeta(db, 'code_secret');
    if (secret === null) {
      secret = randomBytes(32).toString('hex');
      setMeta(db, 'code_secret', secret);
    }
    this.#secret = Buffer.from(secret, 'hex');
  }

  codeFor(examinerId: string, candidateId: string): string {
    const digest = createHmac('sha256', this.#secret).update(`${examinerId}\u0000${candidateId}`).digest();
    let code = '';
    for (let i = 0; i < 8; i++) code += ALPHABET[(digest[i] ?? 0) % 32];
    return `${code.slice(0, 4)}-${code.slice(4)}`;
  }
}
