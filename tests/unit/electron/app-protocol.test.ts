import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, sep } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { registerAppScheme, serveRenderer } from '../../../main/electron/app-protocol';
import { resolveAppFile } from '../../../main/electron/app-url';
import { CONTENT_SECURITY_POLICY, SECURITY_HEADERS } from '../../../main/security/csp';
import { FakeProtocol, resetFakeElectron } from '../../support/fake-electron';

vi.mock('electron', () => import('../../support/fake-electron'));

const INDEX_HTML = '<!doctype html><title>Examiner Workstation</title><div id="root"></div>';
const APP_JS = 'console.log("app");';
const SECRET = 'TOP SECRET: outside the renderer folder';

let root: string;
let rendererDir: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'examiner-protocol-'));
  rendererDir = join(root, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), INDEX_HTML);
  writeFileSync(join(rendererDir, 'assets', 'app.js'), APP_JS);
  // Files next to the renderer folder that traversal must never reach.
  writeFileSync(join(root, 'secret.txt'), SECRET);
  mkdirSync(join(root, 'renderer-evil'));
  writeFileSync(join(root, 'renderer-evil', 'index.html'), SECRET);
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

beforeEach(() => resetFakeElectron());

/** True if `file` is a file strictly inside `dir`. */
function isInside(dir: string, file: string): boolean {
  const rel = relative(dir, file);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
}

describe('resolveAppFile', () => {
  const dir = '/srv/examiner/renderer';

  it.each([
    ['app://workstation/', 'index.html'],
    ['app://workstation/index.html', 'index.html'],
    ['app://workstation/index.html?lang=zh#/exams', 'index.html'],
    ['app://workstation/assets/x.js', 'assets/x.js'],
    ['app://workstation/assets/%E4%B8%AD%E6%96%87.svg', 'assets/中文.svg'],
    // The URL parser resolves dot segments (plain or percent-encoded) before we see the path.
    ['app://workstation/../secret', 'secret'],
    ['app://workstation/../../../../etc/passwd', 'etc/passwd'],
    ['app://workstation/%2e%2e/secret', 'secret'],
    ['app://workstation/%2E%2E/%2e%2E/secret', 'secret'],
    ['app://workstation/assets/.%2e/.%2e/secret', 'secret'],
    // An "absolute" path in the URL is still relative to the renderer folder.
    ['app://workstation//etc/passwd', 'etc/passwd'],
    ['app://workstation/%2Fetc%2Fpasswd', 'etc/passwd'],
  ])('%s → <dir>/%s', (url, expected) => {
    const file = resolveAppFile(dir, url);
    expect(file).toBe(join(dir, expected));
    expect(isInside(dir, file ?? '')).toBe(true);
  });

  it.each([
    // Encoded separators that would survive the URL parser and climb out after decoding.
    'app://workstation/%2F..%2Fsecret',
    'app://workstation/%2F..%2F..%2Fetc%2Fpasswd',
    'app://workstation/assets%2F..%2F..%2Fsecret',
    'app://workstation/%2F..%2Frenderer-evil%2Findex.html',
    // Backslashes, encoded or not.
    'app://workstation/..%5csecret',
    'app://workstation/..%5C..%5Csecret',
    'app://workstation/assets%5capp.js',
    // NUL bytes.
    'app://workstation/index.html%00.png',
    'app://workstation/%00',
    // Malformed percent-encoding.
    'app://workstation/%E0%A4%A',
    'app://workstation/%',
    // The folder itself.
    'app://workstation/%2F',
    // Foreign hosts, credentials and other schemes.
    'app://evil/index.html',
    'app://workstation.evil/index.html',
    'app://WORKSTATION/index.html',
    'app://user:pw@workstation/index.html',
    'app://user@workstation/index.html',
    'file:///srv/examiner/renderer/index.html',
    'file:///etc/passwd',
    'https://workstation/index.html',
    'http://workstation/index.html',
    'javascript:alert(1)',
    '/index.html',
    'index.html',
    '',
  ])('%s → null', (url) => {
    expect(resolveAppFile(dir, url)).toBeNull();
  });

  it('never resolves outside the folder, whatever the combination of traversal tricks', () => {
    const pieces = ['..', '%2e%2e', '.%2E', '%2f', '%2F', '%5c', '/', '\\', '%00', '.', 'etc', 'renderer-evil', '%252e%252e'];
    const dirs = ['/srv/examiner/renderer', '/srv/examiner/renderer/'];
    let checked = 0;
    let resolved = 0;
    for (const a of pieces)
      for (const b of pieces)
        for (const c of pieces)
          for (const d of pieces) {
            for (const base of dirs) {
              const url = `app://workstation/${a}${b}/${c}${d}/passwd`;
              const file = resolveAppFile(base, url);
              checked++;
              if (file !== null) {
                resolved++;
                expect(isInside('/srv/examiner/renderer', file), `${url} → ${file}`).toBe(true);
              }
            }
          }
    expect(checked).toBe(pieces.length ** 4 * dirs.length);
    // The property is not vacuous: plenty of these resolve, all of them inside.
    expect(resolved).toBeGreaterThan(1000);
  });
});

describe('serveRenderer', () => {
  let protocol: FakeProtocol;
  beforeEach(() => {
    protocol = new FakeProtocol();
    serveRenderer(protocol as unknown as Electron.Protocol, rendererDir);
  });

  it('handles the app scheme and only that', () => {
    expect([...protocol.handlers.keys()]).toEqual(['app']);
  });

  it.each(['app://workstation/', 'app://workstation/index.html'])('serves index.html for %s with the security headers', async (url) => {
    const response = await protocol.fetch(url);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(INDEX_HTML);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) expect(response.headers.get(name)).toBe(value);
  });

  it('serves an asset with its content type and the CSP', async () => {
    const response = await protocol.fetch('app://workstation/assets/app.js');
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(APP_JS);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });

  it.each([
    'app://workstation/%2F..%2Fsecret.txt',
    'app://workstation/..%5csecret.txt',
    'app://workstation/%2F..%2Frenderer-evil%2Findex.html',
    'app://workstation/index.html%00',
    'app://evil/index.html',
    'app://workstation/missing.js',
    'app://workstation/assets',
    'app://workstation/assets/',
  ])('answers 404 for %s without leaking anything', async (url) => {
    const response = await protocol.fetch(url);
    expect(response.status).toBe(404);
    const body = await response.text();
    expect(body).not.toContain('SECRET');
    expect(body).not.toContain('Examiner Workstation');
  });

  it('answers a dot-segment URL with the file inside the folder, never the one outside', async () => {
    // ../secret.txt is resolved by the URL parser to /secret.txt, which does not exist inside.
    const response = await protocol.fetch('app://workstation/../secret.txt');
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('SECRET');
  });
});

describe('registerAppScheme', () => {
  it('registers app:// as a standard, secure scheme, once, without bypassing the CSP', () => {
    const protocol = new FakeProtocol();
    registerAppScheme(protocol as unknown as Electron.Protocol);
    expect(protocol.privilegedSchemes).toEqual([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
    ]);
    expect(protocol.privilegedSchemes[0]?.privileges?.bypassCSP).toBeUndefined();
    expect(protocol.privilegedSchemes[0]?.privileges?.corsEnabled).toBeUndefined();
  });
});
