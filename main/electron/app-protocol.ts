import { readFile } from 'node:fs/promises';
import type { Protocol } from 'electron';
import { mediaProtocolResponse } from '../media/protocol-response';
import { mediaIdFromPath, type MediaLookup } from '../media/serve-media';
import { SECURITY_HEADERS } from '../security/csp';
import { APP_SCHEME, contentTypeOf, isAppUrl, resolveAppFile } from './app-url';

/** Must run before the app is ready: app:// is a standard, secure scheme with fetch and streaming. */
export function registerAppScheme(protocol: Protocol): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
  ]);
}

/**
 * Serves the built renderer under app://workstation/, and the review player's media by id under
 * app://workstation/media/<id> (audio, video and images, with byte ranges; and the chief's results
 * files, as attachments: see main/media/serve-media.ts): every answer,
 * refusals too, with the app's security headers (nosniff, the CSP), as the browser host's.
 */
export function serveRenderer(protocol: Protocol, rendererDir: string, media?: MediaLookup): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const mediaId = media && isAppUrl(request.url) ? mediaIdFromPath(new URL(request.url).pathname) : null;
    if (media && mediaId !== null) return mediaProtocolResponse(media, mediaId, request);
    const file = resolveAppFile(rendererDir, request.url);
    if (file === null) return new Response('not found', { status: 404, headers: SECURITY_HEADERS });
    try {
      const body = await readFile(file);
      return new Response(body, { headers: { 'content-type': contentTypeOf(file), ...SECURITY_HEADERS } });
    } catch {
      return new Response('not found', { status: 404, headers: SECURITY_HEADERS });
    }
  });
}
