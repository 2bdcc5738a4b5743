import { describe, expect, it } from 'vitest';
import { mediaIdFromPath, planMediaReply, playableContentType, RANGE_PART_BYTES, type ServedMedia } from '../../../main/media/serve-media';
import { SECURITY_HEADERS } from '../../../main/security/csp';

const media: ServedMedia = { file: '/cache/recordings/a.mp4', size: 1000, contentType: 'video/mp4', etag: '"abc"' };

describe('planMediaReply', () => {
  it('answers the whole file with its type, length, tag and ranges accepted', () => {
    const plan = planMediaReply(media, 'GET', {});
    expect(plan.status).toBe(200);
    expect(plan.body).toEqual({ start: 0, end: 999 });
    expect(plan.headers).toMatchObject({ 'accept-ranges': 'bytes', etag: '"abc"', 'content-type': 'video/mp4', 'content-length': '1000' });
  });

  it('answers a range with 206, as the player asks when it seeks', () => {
    const plan = planMediaReply(media, 'GET', { range: 'bytes=500-' });
    expect(plan).toMatchObject({ status: 206, body: { start: 500, end: 999 } });
    expect(plan.headers).toMatchObject({ 'content-range': 'bytes 500-999/1000', 'content-length': '500' });
  });

  it('answers a long range in parts the player asks again for, but a file to save whole', () => {
    const long: ServedMedia = { ...media, size: 10_000_000 };
    const plan = planMediaReply(long, 'GET', { range: 'bytes=1000-' });
    expect(plan).toMatchObject({ status: 206, body: { start: 1000, end: 1000 + RANGE_PART_BYTES - 1 } });
    expect(plan.headers).toMatchObject({ 'content-range': `bytes 1000-${String(1000 + RANGE_PART_BYTES - 1)}/10000000`, 'content-length': String(RANGE_PART_BYTES) });
    const saved = planMediaReply({ ...long, contentType: 'text/csv; charset=utf-8', download: { fileName: 'results.csv' } }, 'GET', { range: 'bytes=1000-' });
    expect(saved).toMatchObject({ status: 206, body: { start: 1000, end: 9_999_999 } });
  });

  it('sends no body to HEAD, but the same headers', () => {
    const plan = planMediaReply(media, 'HEAD', { range: 'bytes=0-9' });
    expect(plan).toMatchObject({ status: 206, body: null });
    expect(plan.headers['content-length']).toBe('10');
  });

  it('answers 416 past the end, 304 for the tag it has, and 404 for no media', () => {
    expect(planMediaReply(media, 'GET', { range: 'bytes=1000-' })).toMatchObject({ status: 416, body: null, headers: { 'content-range': 'bytes */1000' } });
    expect(planMediaReply(media, 'GET', { ifNoneMatch: '"abc"' })).toMatchObject({ status: 304, body: null });
    expect(planMediaReply(null, 'GET', {})).toMatchObject({ status: 404, body: null });
  });

  it('sends the app\'s security headers (nosniff, the CSP) with every answer, refusals too', () => {
    for (const plan of [
      planMediaReply(media, 'GET', {}),
      planMediaReply(media, 'GET', { range: 'bytes=0-9' }),
      planMediaReply(media, 'GET', { ifNoneMatch: '"abc"' }),
      planMediaReply(media, 'GET', { range: 'bytes=1000-' }),
      planMediaReply(null, 'GET', {}),
      planMediaReply({ ...media, contentType: 'text/html' }, 'GET', {}),
    ]) {
      expect(plan.headers, String(plan.status)).toMatchObject(SECURITY_HEADERS);
      expect(plan.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it.each(['text/html', 'text/html; charset=utf-8', 'image/svg+xml', 'application/octet-stream', 'application/javascript', 'video/mp4\r\nset-cookie: a=b', '', 'video'])(
    'refuses a file the platform labelled %j with 403 and no body, whatever the request',
    (contentType) => {
      for (const plan of [planMediaReply({ ...media, contentType }, 'GET', {}), planMediaReply({ ...media, contentType }, 'GET', { range: 'bytes=0-9' })]) {
        expect(plan).toMatchObject({ status: 403, body: null });
        expect(plan.headers['content-type']).toBeUndefined();
      }
    },
  );

  it.each([
    ['video/mp4', 'video/mp4'],
    ['Video/MP4', 'video/mp4'],
    ['video/webm;codecs=vp8,opus', 'video/webm;codecs=vp8,opus'],
    ['video/webm; codecs="vp8, opus"', 'video/webm; codecs="vp8, opus"'],
    ['audio/mp4', 'audio/mp4'],
    ['image/jpeg', 'image/jpeg'],
    ['video/x-matroska', 'video/x-matroska'],
    ['text/html', null],
    ['image/svg+xml', null],
    ['image/svg', null],
    ['application/xhtml+xml', null],
    ['application/mp4', null],
    ['video/mp4; x', null],
    ['video/mp4; codecs="a"b"', null],
    ['video/mp4, text/html', null],
  ])('playableContentType(%j) → %j', (raw, expected) => {
    expect(playableContentType(raw)).toBe(expected);
  });

  it.each([
    ['/media/m0123456789abcdef01234567', 'm0123456789abcdef01234567'],
    ['/media/', null],
    ['/media/a/b', null],
    ['/media', null],
    ['/assets/media/x', null],
  ])('mediaIdFromPath(%j)', (path, expected) => {
    expect(mediaIdFromPath(path)).toBe(expected);
  });
});
