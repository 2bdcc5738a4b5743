import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseShowinfoLine, stripArgs, stripLayout } from '../../../main/media/strip';
import { clipArgs, parseKeyframes, proxyArgs, sideBySideLayout, startsOnKeyframe } from '../../../main/media/transcode';
import { PeakReducer, SilenceCollector, waveformArgs } from '../../../main/media/waveform';

const fixture = (name: string) => readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8');
const landscape = { codec: 'h264', width: 640, height: 360, displayWidth: 640, displayHeight: 360, rotation: 0 as const, frameRate: 30, variableFrameRate: false };
const portrait = { ...landscape, displayWidth: 360, displayHeight: 640, rotation: 90 as const };

describe('thumbnail strip', () => {
  it("reads each kept keyframe's time from showinfo's lines in a real run, and nothing from its other lines", () => {
    const times = fixture('strip-showinfo.txt')
      .split('\n')
      .map(parseShowinfoLine)
      .filter((time) => time !== null);
    // A 20-second recording with a keyframe every 2 s, one tile per 2 s.
    expect(times).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
  });

  it.each([
    [landscape, 60, { columns: 10, rows: 6, tileWidth: 160, tileHeight: 90 }],
    [portrait, 60, { columns: 10, rows: 6, tileWidth: 50, tileHeight: 90 }],
    [landscape, 4, { columns: 4, rows: 1, tileWidth: 160, tileHeight: 90 }],
    [{ ...landscape, displayWidth: 1080, displayHeight: 1920 }, 25, { columns: 10, rows: 3, tileWidth: 50, tileHeight: 90 }],
  ])('lays %o out in tiles as tall as 90 px, even-width, ten to a row', (video, tiles, expected) => {
    expect(stripLayout(video, tiles)).toEqual({ tiles, ...expected });
  });

  it('reads and decodes keyframes only (-discard and -skip_frame nokey before -i) and makes one image in one pass', () => {
    const args = stripArgs('in.mp4', 'out.jpg', stripLayout(landscape, 60), 600, 0);
    expect(args.indexOf('-skip_frame')).toBeLessThan(args.indexOf('-i'));
    expect(args[args.indexOf('-skip_frame') + 1]).toBe('nokey');
    // The demuxer skips the other packets too, rather than reading them for the decoder to drop.
    expect(args.indexOf('-discard')).toBeLessThan(args.indexOf('-i'));
    expect(args[args.indexOf('-discard') + 1]).toBe('nokey');
    expect(args[args.indexOf('-frames:v') + 1]).toBe('1');
    expect(args[args.indexOf('-vf') + 1]).toBe("select='gte(t-0,selected_n*10)',showinfo,scale=160:90,tile=10x6");
    expect(args.at(-1)).toBe('out.jpg');
  });
});

describe('waveform', () => {
  it('reduces samples to min/max pairs, whatever the chunking (even a chunk ending mid-sample)', () => {
    const samples = Int16Array.from({ length: 8000 }, (_, i) => Math.round(Math.sin(i / 10) * 16384 * (i < 4000 ? 1 : 0.25)));
    const bytes = new Uint8Array(samples.buffer);
    const whole = new PeakReducer(100);
    whole.push(bytes);
    const chunked = new PeakReducer(100);
    for (let offset = 0; offset < bytes.length; offset += 777) chunked.push(bytes.subarray(offset, offset + 777));
    expect(chunked.samples).toBe(8000);
    expect(chunked.peaks(20)).toEqual(whole.peaks(20));
    const { min, max } = whole.peaks(2);
    expect(max[0]).toBeCloseTo(0.5, 2);
    expect(min[0]).toBeCloseTo(-0.5, 2);
    expect(max[1]).toBeCloseTo(0.125, 2);
  });

  it('gives exactly the peaks asked for, more than there are buckets too, and zeros for no samples', () => {
    const reducer = new PeakReducer(10);
    reducer.push(new Uint8Array(new Int16Array([32767, -32768, 0, 0]).buffer));
    expect(reducer.peaks(5)).toEqual({ min: [-1, -1, -1, -1, -1], max: [1, 1, 1, 1, 1] });
    expect(new PeakReducer().peaks(3)).toEqual({ min: [0, 0, 0], max: [0, 0, 0] });
  });

  it("collects the silent gaps silencedetect reported in a real run (a gap mid-way, and one to the end)", () => {
    const collector = new SilenceCollector();
    for (const line of fixture('waveform-silence.txt').split('\n')) collector.line(line);
    expect(collector.finish(20.01)).toEqual([
      { startMs: 7019, endMs: 12011 },
      { startMs: 18006, endMs: 20011 },
    ]);
  });

  it('closes a gap still open at the end, and drops one shorter than a second', () => {
    const collector = new SilenceCollector();
    collector.line('[silencedetect @ 0x1] silence_start: -0.02');
    collector.line('[silencedetect @ 0x1] silence_end: 3.5 | silence_duration: 3.52');
    collector.line('[silencedetect @ 0x1] silence_start: 9.5');
    expect(collector.finish(10)).toEqual([{ startMs: 0, endMs: 3500 }]);
    const open = new SilenceCollector();
    open.line('[silencedetect @ 0x1] silence_start: 5');
    expect(open.finish(10)).toEqual([{ startMs: 5000, endMs: 10000 }]);
  });

  it('asks ffmpeg for mono 8 kHz s16le on stdout with silencedetect, from the first audio stream, measuring loudness in the same pass', () => {
    const args = waveformArgs('in.mp4');
    expect(args).toEqual(expect.arrayContaining(['-map', '[pcm]', '-f', 's16le', 'pipe:1']));
    const graph = args[args.indexOf('-filter_complex') + 1] ?? '';
    expect(graph.startsWith('[0:a:0]asplit=2')).toBe(true);
    expect(graph).toContain('silencedetect=noise=-40dB:duration=1');
    expect(graph).toContain('ebur128=peak=none:framelog=verbose,anullsink');
    expect(args.filter((arg) => arg === '-i')).toHaveLength(1);
  });
});

describe('proxy and exports', () => {
  it('writes the proxy as fragmented MP4 (playable while written), H.264/AAC, keyframes every 2 s', () => {
    const args = proxyArgs('in.mov', 'out.mp4');
    expect(args[args.indexOf('-movflags') + 1]).toBe('+frag_keyframe+empty_moov+default_base_moof');
    expect(args[args.indexOf('-c:v') + 1]).toBe('libx264');
    expect(args[args.indexOf('-c:a') + 1]).toBe('aac');
    expect(args).toContain('0:a:0?');
  });

  it('scales both angles to one even height, each to its upright aspect', () => {
    expect(sideBySideLayout(landscape, portrait, 360)).toEqual({ height: 360, mainWidth: 640, sideWidth: 202 });
    expect(sideBySideLayout(landscape, { ...landscape, displayWidth: 480, displayHeight: 270 }, 720)).toEqual({ height: 360, mainWidth: 640, sideWidth: 640 });
    expect(sideBySideLayout(landscape, landscape, 181)).toEqual({ height: 180, mainWidth: 320, sideWidth: 320 });
  });

  it('reads keyframe times from packet flags and tells whether a cut starts on one', () => {
    const keyframes = parseKeyframes('0.000000,K__\n0.033333,___\n2.000000,K__\n2.033333,___\n\n');
    expect(keyframes).toEqual([0, 2]);
    expect(startsOnKeyframe(keyframes, 2)).toBe(true);
    expect(startsOnKeyframe(keyframes, 2.001)).toBe(true);
    expect(startsOnKeyframe(keyframes, 2.1)).toBe(false);
  });

  it('copies a clip that starts on a keyframe, and re-encodes one that does not', () => {
    const copy = clipArgs('in.mp4', 'out.mp4', 4, 2, 'copy');
    expect(copy.slice(copy.indexOf('-ss'), copy.indexOf('-ss') + 4)).toEqual(['-ss', '4.000000', '-i', 'in.mp4']);
    expect(copy[copy.indexOf('-c') + 1]).toBe('copy');
    const encode = clipArgs('in.mp4', 'out.mp4', 4.1, 2, 'encode');
    expect(encode).not.toContain('copy');
    expect(encode[encode.indexOf('-c:v') + 1]).toBe('libx264');
  });
});
