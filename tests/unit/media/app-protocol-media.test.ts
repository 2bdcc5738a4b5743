import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { serveRenderer } from '../../../main/electron/app-protocol';
import type { MediaLookup, ServedMedia } from '../../../main/media/serve-media';
import { CONTENT_SECURITY_POLICY } from '../../../main/security/csp';
import { FakeProtocol, resetFakeElectron } from '../../support/fake-electron';

vi.mock('electron', () => import('../../support/fake-electron'));

const MEDIA_ID = 'm0123456789abcdef01234567';
/** A "recording" the platform labelled as a web page. */
const HTML_ID = `m${'f'.repeat(24)}`;
let root: string;
let bytes: Buffer;
let served: ServedMedia;
const asked: string[] = [];
/** Stands in for the media library: one id, one file; the library's own rules are tested against the browser host. */
const lookup: MediaLookup = {
  lookup: (mediaId) => {
    asked.push(mediaId);
    if (mediaId === HTML_ID) return { ...served, contentType: 'text/html' };
    return mediaId === MEDIA_ID ? served : null;
  },
};

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'examiner-media-protocol-'));
  mkdirSync(join(root, 'renderer'));
  writeFileSync(join(root, 'renderer', 'index.html'), '<!doctype html>');
  bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 251));
  writeFileSync(join(root, 'clip.mp4'), bytes);
  served = { file: join(root, 'clip.mp4'), size: bytes.length, contentType: 'video/mp4', etag: '"sha"' };
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

let protocol: FakeProtocol;
beforeEach(() => {
  resetFakeElectron();
  asked.length = 0;
  protocol = new FakeProtocol();
  serveRenderer(protocol as unknown as Electron.Protocol, join(root, 'renderer'), lookup);
});

const request = (url: string, init: RequestInit = {}) => {
  const handler = protocol.handlers.get('app');
  if (!handler) throw new Error('app:// is not handled');
  return Promise.resolve(handler(new Request(url, init)));
};

describe('app://workstation/media/<id>', () => {
  it('serves the whole file by id', async () => {
    const response = await request(`app://workstation/media/${MEDIA_ID}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('video/mp4');
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('serves a byte range, as the player asks when it seeks', async () => {
    const response = await request(`app://workstation/media/${MEDIA_ID}`, { headers: { range: 'bytes=1000-1999' } });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe('bytes 1000-1999/4096');
    expect(Buffer.from(await response.arrayBuffer()).equals(bytes.subarray(1000, 2000))).toBe(true);
  });

  it('answers HEAD without a body and a range past the end with 416', async () => {
    const head = await request(`app://workstation/media/${MEDIA_ID}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('4096');
    expect((await head.arrayBuffer()).byteLength).toBe(0);
    const past = await request(`app://workstation/media/${MEDIA_ID}`, { headers: { range: 'bytes=5000-' } });
    expect(past.status).toBe(416);
  });

  it('sends nosniff and the app\'s CSP with the media, a range of it and a 404', async () => {
    for (const response of [
      await request(`app://workstation/media/${MEDIA_ID}`),
      await request(`app://workstation/media/${MEDIA_ID}`, { headers: { range: 'bytes=0-9' } }),
      await request('app://workstation/media/m0000000000000000000000000'),
      await request('app://workstation/no-such-file.js'),
    ]) {
      expect(response.headers.get('x-content-type-options'), response.url).toBe('nosniff');
      expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
      expect(response.headers.get('x-frame-options')).toBe('DENY');
    }
  });

  it('refuses a file whose type is not audio, video or an image, and sends none of its bytes', async () => {
    for (const init of [{}, { headers: { range: 'bytes=0-99' } }]) {
      const response = await request(`app://workstation/media/${HTML_ID}`, init);
      expect(response.status).toBe(403);
      expect(response.headers.get('content-type')).not.toMatch(/html/);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(Buffer.from(await response.arrayBuffer()).includes(bytes.subarray(0, 64))).toBe(false);
    }
  });

  it.each([
    'app://workstation/media/m0000000000000000000000000',
    'app://workstation/media/..%2F..%2Fclip.mp4',
    `app://workstation/media/${MEDIA_ID}/extra`,
    `app://workstation/media/${MEDIA_ID.toUpperCase()}`,
  ])('answers 404 for %s', async (url) => {
    const response = await request(url);
    expect(response.status).toBe(404);
    expect(Buffer.from(await response.arrayBuffer()).includes(bytes.subarray(0, 64))).toBe(false);
  });

  it('asks the library only for the id, and leaves other app:// URLs to the renderer files', async () => {
    await request(`app://workstation/media/${MEDIA_ID}`);
    const page = await request('app://workstation/index.html');
    expect(page.status).toBe(200);
    expect(await page.text()).toBe('<!doctype html>');
    expect(asked).toEqual([MEDIA_ID]);
    const foreign = await request(`app://evil/media/${MEDIA_ID}`);
    expect(foreign.status).toBe(404);
    expect(asked).toEqual([MEDIA_ID]);
  });
});
