import { join, normalize, sep } from 'node:path';

/**
 * The renderer is served from app://workstation/ rather than file://, so that it has an origin
 * of its own that the CSP, the IPC sender check and the permission handler can recognise.
 * (Node's URL gives non-special schemes the origin "null", hence the protocol + host test.)
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'workstation';
export const APP_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

export function isAppUrl(raw: string | null | undefined): boolean {
  if (!raw) return false;
  try {
    const url = new URL(raw);
    return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST && url.username === '' && url.password === '';
  } catch {
    return false;
  }
}

/**
 * Maps an app:// URL to a file inside the renderer folder, or null. The renderer asks for
 * URLs, never paths: anything that would leave the folder (.., encoded separators, absolute
 * paths) resolves to null.
 */
export function resolveAppFile(rendererDir: string, raw: string): string | null {
  if (!isAppUrl(raw)) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(raw).pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  const relative = pathname === '/' || pathname === '' ? 'index.html' : pathname.replace(/^\/+/, '');
  const root = normalize(rendererDir + sep);
  const file = normalize(join(root, relative));
  return file.startsWith(root) && file !== root ? file : null;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

export function contentTypeOf(file: string): string {
  const dot = file.lastIndexOf('.');
  return (dot >= 0 && CONTENT_TYPES[file.slice(dot).toLowerCase()]) || 'application/octet-stream';
}
