import { describe, expect, it } from 'vitest';
import { mediaIdFromPath, planMediaReply, type ServedMedia } from '../../../main/media/serve-media';

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
