import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MediaJobError } from '../../../node-shared/media/failures';
import { displayRotation, interpretProbe, isVariableFrameRate, parseRatio } from '../../../main/media/probe';
import { chromiumPlayability } from '../../../main/media/playable';

const ffprobe = (name: string): unknown => JSON.parse(readFileSync(new URL(`fixtures/ffprobe-${name}.json`, import.meta.url), 'utf8'));

describe('interpretProbe on real ffprobe JSON (fixtures/capture.sh)', () => {
  it('reads a landscape H.264/AAC recording: playable as is', () => {
    expect(interpretProbe(ffprobe('main'))).toEqual({
      summary: {
        durationMs: 20_000,
        container: 'mov,mp4,m4a,3gp,3g2,mj2',
        video: { codec: 'h264', width: 640, height: 360, displayWidth: 640, displayHeight: 360, rotation: 0, frameRate: 30, variableFrameRate: false },
        audio: { codec: 'aac', sampleRate: 48_000, channels: 1 },
        playableInChromium: true,
      },
      startSeconds: 0,
      proxyReason: null,
    });
  });

  it('turns a phone held upright: stored 640×360, shown 360×640', () => {
    const { summary } = interpretProbe(ffprobe('portrait'));
    expect(summary.video).toMatchObject({ width: 640, height: 360, displayWidth: 360, displayHeight: 640 });
    expect([90, 270]).toContain(summary.video?.rotation);
    expect(summary.playableInChromium).toBe(true);
  });

  it('asks for a proxy for HEVC, and says why', () => {
    const probe = interpretProbe(ffprobe('hevc'));
    expect(probe.summary.video?.codec).toBe('hevc');
    expect(probe.summary.audio).toBeNull();
    expect(probe.summary.playableInChromium).toBe(false);
    expect(probe.proxyReason).toMatch(/HEVC/);
  });

  it('notices a variable frame rate (r_frame_rate 30, avg_frame_rate 360/13)', () => {
    const { summary } = interpretProbe(ffprobe('vfr'));
    expect(summary.video).toMatchObject({ variableFrameRate: true, frameRate: 27.692 });
  });

  it('reports no audio for a side phone without a microphone, not an error', () => {
    expect(interpretProbe(ffprobe('silent-side')).summary.audio).toBeNull();
  });

  it('refuses a video whose codec ffmpeg cannot name, as unsupported', () => {
    expect(() => interpretProbe(ffprobe('unknown-codec'))).toThrow(expect.objectContaining({ kind: 'unsupported', message: expect.stringContaining('xyz1') }) as Error);
  });

  it('refuses a file with no video stream, and JSON of another shape', () => {
    const audioOnly = { format: { format_name: 'mp3', duration: '3.0' }, streams: [{ codec_type: 'audio', codec_name: 'mp3' }] };
    expect(() => interpretProbe(audioOnly)).toThrow(MediaJobError);
    expect(() => interpretProbe(audioOnly)).toThrow(/no video stream/);
    expect(() => interpretProbe({ streams: 'many' })).toThrow(/expected shape/);
  });
});

describe('rotation, frame rate', () => {
  it.each([
    // ffprobe reports a display matrix counter-clockwise: an iPhone held upright says -90, a clockwise quarter turn.
    [[{ side_data_type: 'Display Matrix', rotation: -90 }], undefined, 90],
    [[{ side_data_type: 'Display Matrix', rotation: 90 }], undefined, 270],
    [[{ side_data_type: 'Display Matrix', rotation: 180 }], undefined, 180],
    [[{ side_data_type: 'Display Matrix', rotation: -180 }], undefined, 180],
    [undefined, { rotate: '90' }, 90],
    [undefined, { rotate: 'sideways' }, 0],
    [undefined, undefined, 0],
  ])('%j %j → %i° clockwise', (sideData, tags, expected) => {
    expect(displayRotation(sideData, tags)).toBe(expected);
  });

  it.each([
    ['30/1', 30],
    ['30000/1001', 30000 / 1001],
    ['0/0', null],
    ['abc', null],
    [undefined, null],
  ])('parseRatio(%j)', (value, expected) => {
    expect(parseRatio(value)).toBe(expected);
  });

  it('calls a frame rate variable when the average strays more than 1% from the base rate', () => {
    expect(isVariableFrameRate(30, 30)).toBe(false);
    expect(isVariableFrameRate(30, 29.85)).toBe(false);
    expect(isVariableFrameRate(30, 29.5)).toBe(true);
    expect(isVariableFrameRate(120, 29.97)).toBe(true);
    expect(isVariableFrameRate(null, 30)).toBe(false);
  });
});

describe('chromiumPlayability', () => {
  const mp4 = 'mov,mp4,m4a,3gp,3g2,mj2';
  it.each([
    [{ container: mp4, videoCodec: 'h264', profile: 'High', pixelFormat: 'yuv420p', audioCodec: 'aac' }, true],
    [{ container: mp4, videoCodec: 'h264', profile: 'Main', pixelFormat: 'yuvj420p', audioCodec: null }, true],
    [{ container: mp4, videoCodec: 'av1', profile: null, pixelFormat: 'yuv420p', audioCodec: 'opus' }, true],
    [{ container: 'matroska,webm', videoCodec: 'vp9', profile: null, pixelFormat: 'yuv420p', audioCodec: 'opus' }, true],
    [{ container: mp4, videoCodec: 'hevc', profile: 'Main', pixelFormat: 'yuv420p', audioCodec: 'aac' }, false],
    [{ container: mp4, videoCodec: 'h264', profile: 'High 10', pixelFormat: 'yuv420p10le', audioCodec: 'aac' }, false],
    [{ container: mp4, videoCodec: 'h264', profile: 'High 4:2:2', pixelFormat: 'yuv422p', audioCodec: 'aac' }, false],
    [{ container: mp4, videoCodec: 'mpeg4', profile: null, pixelFormat: 'yuv420p', audioCodec: 'aac' }, false],
    [{ container: mp4, videoCodec: 'h264', profile: 'High', pixelFormat: 'yuv420p', audioCodec: 'pcm_s16le' }, false],
    [{ container: 'avi', videoCodec: 'h264', profile: 'High', pixelFormat: 'yuv420p', audioCodec: 'mp3' }, false],
    [{ container: 'matroska,webm', videoCodec: 'h264', profile: 'High', pixelFormat: 'yuv420p', audioCodec: 'aac' }, false],
  ])('%o → %s', (input, playable) => {
    expect(chromiumPlayability(input).playable).toBe(playable);
  });
});
