import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerMediaRoute } from '../../../main/media/http-route';
import type { ServedMedia } from '../../../main/media/serve-media';

const VIDEO_ID = `m${'0'.repeat(24)}`;
const HTML_ID = `m${'f'.repeat(24)}`;
let root: string;
let app: FastifyInstance;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'examiner-media-route-'));
  const file = join(root, 'file');
  writeFileSync(file, '<script>alert(1)</script>');
  const served = (contentType: string): ServedMedia => ({ file, size: 25, contentType, etag: '"e"' });
  app = Fastify();
  registerMediaRoute(app, { lookup: (id) => (id === VIDEO_ID ? served('video/mp4') : id === HTML_ID ? served('text/html') : null) });
  await app.ready();
});
afterAll(async () => {
  await app.close();
  rmSync(root, { recursive: true, force: true });
});

describe('the browser host\'s /media/:id route', () => {
  it('serves an audio, video or image file under its type, with nosniff', async () => {
    const response = await app.inject({ url: `/media/${VIDEO_ID}` });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('video/mp4');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('refuses any other type with 403 forbidden and none of the file', async () => {
    const response = await app.inject({ url: `/media/${HTML_ID}` });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toEqual({ error: { code: 'forbidden', message: 'not an audio, video or image type' } });
    expect(response.body).not.toContain('<script>');
  });
});
