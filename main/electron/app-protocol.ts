import { readFile } from 'node:fs/promises';
import type { Protocol } from 'electron';
import { SECURITY_HEADERS } from '../security/csp';
import { APP_SCHEME, contentTypeOf, resolveAppFile } from './app-url';

/** Must run before the app is ready: app:// is a standard, secure scheme with fetch and streaming. */
export function registerAppScheme(protocol: Protocol): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
  ]);
}

/** Serves the built renderer under app://workstation/, with the app's security headers. */
export function serveRenderer(protocol: Protocol, rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const file = resolveAppFile(rendererDir, request.url);
    if (file === null) return new Response('not found', { status: 404 });
    try {
      const body = await readFile(file);
      return new Response(body, { headers: { 'content-type': contentTypeOf(file), ...SECURITY_HEADERS } });
    } catch {
      return new Response('not found', { status: 404 });
    }
  });
}
