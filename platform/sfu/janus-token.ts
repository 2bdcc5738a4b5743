import { createHmac } from 'node:crypto';

/**
 * Janus's signed tokens (token_auth with token_auth_secret): "<expiry>,janus,<plugin>:<signature>",
 * the expiry in Unix seconds, the signature the base64 HMAC-SHA1 of everything before the colon.
 * Janus accepts any unexpired token for the core API, and attaching to a plugin needs the plugin's
 * name among the listed descriptors (Janus's src/auth.c).
 */
export const VIDEOROOM_PLUGIN = 'janus.plugin.videoroom';

export function signJanusToken(secret: string, expiresAtMs: number, plugins: readonly string[] = [VIDEOROOM_PLUGIN]): string {
  const data = [String(Math.floor(expiresAtMs / 1000)), 'janus', ...plugins].join(',');
  const signature = createHmac('sha1', secret).update(data).digest('base64');
  return `${data}:${signature}`;
}

/** How long a session's token lasts; the session signs a new one an hour before it runs out. */
const TOKEN_LIFETIME_MS = 12 * 60 * 60 * 1000;
const RENEW_BEFORE_MS = 60 * 60 * 1000;

/** The token one Janus session uses, renewed before it expires (an interview can run long). */
export function sessionTokenSigner(secret: string, now: () => number = Date.now): () => string {
  let token = '';
  let expiresAt = 0;
  return () => {
    if (now() > expiresAt - RENEW_BEFORE_MS) {
      expiresAt = now() + TOKEN_LIFETIME_MS;
      token = signJanusToken(secret, expiresAt);
    }
    return token;
  };
}
