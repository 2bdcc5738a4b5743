import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { alignAngles, crossCorrelate, fft, onsetEvents } from '../../../main/media/align';
import { EnvelopeBuilder, envelopeBytes, envelopeMeta, readEnvelope, type Envelope } from '../../../main/media/envelope';
import { sideBySideArgs } from '../../../main/media/transcode';
import { LoudnessCollector } from '../../../main/media/waveform';

const fixture = (name: string) => readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8');
const RATE = 8000;

/** A seeded generator, so each test's noise is the same on every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return (state / 2 ** 31) * 2 - 1;
  };
}

/** Tone bursts at uneven moments of a source, heard from `startS` (source time) for `seconds`, with its own gain and noise. */
function recording(seconds: number, startS: number, gain: number, noise: number, seed: number, onsets: readonly number[] = ONSETS): Uint8Array {
  const noiseAt = random(seed);
  const bytes = new Uint8Array(seconds * RATE * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < seconds * RATE; i++) {
    const t = i / RATE + startS;
    let value = noise * noiseAt();
    for (const onset of onsets) if (t >= onset && t < onset + 0.3) value += gain * Math.sin(2 * Math.PI * 440 * t) * Math.exp(-(t - onset) * 6);
    view.setInt16(i * 2, Math.max(-32768, Math.min(32767, Math.round(value * 32767))), true);
  }
  return bytes;
}
const ONSETS = [0.4, 1.3, 1.9, 3.2, 4.05, 5.5, 6.1, 7.7, 8.35, 9.9, 11.2, 12.0, 13.45, 14.8, 16.1, 16.9, 18.6, 19.3];

function envelopeOf(bytes: Uint8Array, chunk = 4096): Envelope {
  const builder = new EnvelopeBuilder();
  for (let at = 0; at < bytes.length; at += chunk) builder.push(bytes.subarray(at, at + chunk));
  return builder.finish();
}

describe('integrated loudness from the waveform pass', () => {
  it("reads the measurement from a real run's stderr, past the empty summary ffmpeg prints first", () => {
    const loudness = new LoudnessCollector();
    for (const line of fixture('waveform-loudness.txt').split('\n')) loudness.line(line);
    expect(loudness.integratedLufs).toBe(-21.9);
  });

  it('has none for digital silence (-70 LUFS, the floor) or when there is no summary at all', () => {
    const silent = new LoudnessCollector();
    for (const line of fixture('waveform-loudness-silent.txt').split('\n')) silent.line(line);
    expect(silent.integratedLufs).toBeNull();
    const none = new LoudnessCollector();
    for (const line of fixture('waveform-silence.txt').split('\n')) none.line(line);
    expect(none.integratedLufs).toBeNull();
  });

  it('does not take the loudness range or a threshold for the integrated loudness', () => {
    const loudness = new LoudnessCollector();
    for (const line of ['  Integrated loudness:', '    I:         -30.5 LUFS', '    Threshold: -40.5 LUFS', '  Loudness range:', '    LRA:         6.0 LU', '    I: -5 LUFS']) loudness.line(line);
    expect(loudness.integratedLufs).toBe(-30.5);
  });
});

describe('the alignment envelope', () => {
  it('is the same whatever the chunking (even a chunk ending mid-sample), one frame per 10 ms', () => {
    const bytes = recording(3, 0, 0.5, 0.01, 1);
    const whole = envelopeOf(bytes, bytes.length);
    const odd = envelopeOf(bytes, 333);
    expect(whole.onset.length).toBe(300);
    expect(Array.from(odd.onset)).toEqual(Array.from(whole.onset));
    expect(odd.peakDb).toBe(whole.peakDb);
  });

  it('rises where a burst starts, and does not change with the gain', () => {
    // The same sound (its noise too) at a quarter of the level: 12 dB down.
    const loud = envelopeOf(recording(3, 0, 0.8, 0.01, 1));
    const quiet = envelopeOf(recording(3, 0, 0.2, 0.0025, 1));
    const strongest = loud.onset.indexOf(Math.max(...loud.onset));
    expect([40, 41, 130, 131, 190, 191]).toContain(strongest);
    expect(loud.peakDb - quiet.peakDb).toBeCloseTo(12.04, 1);
    for (let i = 0; i < loud.onset.length; i++) expect(loud.onset[i] ?? 0).toBeCloseTo(quiet.onset[i] ?? 0, 1);
  });

  it('goes to its file and back', () => {
    const envelope = envelopeOf(recording(2, 0, 0.5, 0.01, 1));
    const meta = envelopeMeta(envelope);
    const back = readEnvelope(envelopeBytes(envelope), meta);
    expect(Array.from(back?.onset ?? [])).toEqual(Array.from(envelope.onset));
    expect(readEnvelope(envelopeBytes(envelope).subarray(4), meta)).toBeNull();
  });
});

describe('aligning two envelopes', () => {
  it('matches a plain DFT with its FFT', () => {
    const size = 16;
    const re = Float64Array.from({ length: size }, (_, i) => Math.sin(i * 1.3) + (i % 3));
    const im = new Float64Array(size);
    const expected = Array.from({ length: size }, (_, k) => {
      let sumRe = 0;
      let sumIm = 0;
      for (let n = 0; n < size; n++) {
        sumRe += (re[n] ?? 0) * Math.cos((-2 * Math.PI * k * n) / size);
        sumIm += (re[n] ?? 0) * Math.sin((-2 * Math.PI * k * n) / size);
      }
      return [sumRe, sumIm];
    });
    fft(re, im, false);
    for (let k = 0; k < size; k++) {
      expect(re[k]).toBeCloseTo(expected[k]?.[0] ?? Number.NaN, 9);
      expect(im[k]).toBeCloseTo(expected[k]?.[1] ?? Number.NaN, 9);
    }
  });

  it('finds a side that started 2.37 s after the main within 33 ms, whatever their gain and noise', () => {
    const main = envelopeOf(recording(20, 0, 0.8, 0.02, 7));
    const side = envelopeOf(recording(17, 2.37, 0.2, 0.05, 11));
    const found = alignAngles(main, side);
    expect(found.reason).toBeNull();
    expect(Math.abs(found.offsetMs - 2370)).toBeLessThanOrEqual(33);
    expect(found.confidence).toBeGreaterThan(0.3);
    // The other way round: the main started 2.37 s after the side.
    expect(Math.abs(alignAngles(side, main).offsetMs + 2370)).toBeLessThanOrEqual(33);
  });

  it('lands between frames (parabolic peak) rather than on the nearest 10 ms', () => {
    const main = envelopeOf(recording(20, 0, 0.8, 0.0, 7));
    const side = envelopeOf(recording(17, 2.375, 0.8, 0.0, 7));
    const found = crossCorrelate(main.onset, side.onset, 100, 60);
    expect(found).not.toBeNull();
    expect(found?.lag ?? 0).not.toBe(Math.round(found?.lag ?? 0));
    expect(Math.abs((found?.lag ?? 0) * 10 - 2375)).toBeLessThanOrEqual(10);
  });

  it('says low_confidence (offset 0) for two angles of unrelated sounds', () => {
    const main = envelopeOf(recording(20, 0, 0.8, 0.02, 7));
    const other = envelopeOf(recording(20, 0, 0.8, 0.02, 9, [0.9, 2.2, 2.7, 5.0, 6.9, 7.2, 10.4, 10.7, 13.1, 15.3, 15.9, 17.5, 18.2]));
    const noise = envelopeOf(recording(20, 0, 0, 0.3, 5));
    for (const side of [other, noise]) {
      const found = alignAngles(main, side);
      expect(found.reason).toBe('low_confidence');
      expect(found.offsetMs).toBe(0);
    }
  });

  it('says low_confidence (offset 0) when an angle has too few onsets to tell: a steady tone, and one with a single gap', () => {
    // The demo's pair: the main's tone stops for a while, the side's never does. Their one or two
    // rises line up as well at a 12 s lag as at none, so no lag is to be trusted.
    const tone = (seconds: number, gapFrom: number, gapTo: number) => {
      const bytes = new Uint8Array(seconds * RATE * 2);
      const view = new DataView(bytes.buffer);
      for (let i = 0; i < seconds * RATE; i++) {
        const t = i / RATE;
        const value = t >= gapFrom && t < gapTo ? 0 : 0.5 * Math.sin(2 * Math.PI * 330 * t);
        view.setInt16(i * 2, Math.round(value * 32767), true);
      }
      return envelopeOf(bytes);
    };
    const withGap = tone(20, 7, 12);
    const steady = tone(20, 0, 0);
    expect(onsetEvents(withGap.onset, 100)).toBe(1); // where the tone comes back
    for (const [main, side] of [[withGap, steady], [steady, withGap], [withGap, withGap]] as const) {
      expect(alignAngles(main, side)).toMatchObject({ offsetMs: 0, reason: 'low_confidence' });
    }
    // The bursts the other tests align have an event for each of their onsets.
    expect(onsetEvents(envelopeOf(recording(20, 0, 0.8, 0.02, 7)).onset, 100)).toBe(ONSETS.length);
  });

  it('does not look further than ±60 s', () => {
    const main = envelopeOf(recording(90, 0, 0.8, 0.01, 7, ONSETS.map((onset) => onset + 70)));
    const side = envelopeOf(recording(20, 70, 0.8, 0.01, 8, ONSETS.map((onset) => onset + 70)));
    expect(alignAngles(main, side).reason).toBe('low_confidence');
    expect(alignAngles(main, side, { maxLagSeconds: 80 }).offsetMs).toBeCloseTo(70_000, -2);
  });

  it('says why there is no offset: no side, an angle without audio, a silent angle', () => {
    const main = envelopeOf(recording(10, 0, 0.8, 0.02, 7));
    expect(alignAngles(main, null)).toEqual({ offsetMs: 0, confidence: null, reason: 'no_side' });
    expect(alignAngles(main, 'no_audio')).toEqual({ offsetMs: 0, confidence: null, reason: 'no_audio' });
    expect(alignAngles('no_audio', main)).toEqual({ offsetMs: 0, confidence: null, reason: 'no_audio' });
    // A hiss at about −55 dBFS: all of it under the −40 dB silence threshold.
    expect(alignAngles(main, envelopeOf(recording(10, 0, 0, 0.003, 3)))).toEqual({ offsetMs: 0, confidence: null, reason: 'silent' });
    expect(alignAngles(envelopeOf(new Uint8Array(10 * RATE * 2)), main).reason).toBe('silent');
  });
});

describe('the side-by-side export on the main clock', () => {
  const layout = { height: 360, mainWidth: 640, sideWidth: 640 };
  const graph = (args: string[]) => args[args.indexOf('-filter_complex') + 1] ?? '';

  it('holds a side that started later back by the offset, black until it starts', () => {
    const args = sideBySideArgs('main.mp4', 'side.mp4', 'out.mp4', layout, 0, 2370);
    expect(graph(args)).toContain('[1:v]setpts=PTS-STARTPTS,tpad=start_duration=2.370000:start_mode=add:color=black,scale=640:360');
    expect(args).toEqual(expect.arrayContaining(['-map', '0:a:0']));
  });

  it("cuts the start of a side that started earlier, and shifts the side's sound with it when it is the only sound", () => {
    const args = sideBySideArgs('main.mp4', 'side.mp4', 'out.mp4', layout, 1, -1500);
    expect(graph(args)).toContain('[1:v]setpts=PTS-STARTPTS,trim=start=1.500000,setpts=PTS-STARTPTS,scale=640:360');
    expect(graph(args)).toContain('[1:a:0]atrim=start=1.500000,asetpts=PTS-STARTPTS[sound]');
    expect(args).toEqual(expect.arrayContaining(['-map', '[sound]']));
    const later = sideBySideArgs('main.mp4', 'side.mp4', 'out.mp4', layout, 1, 800);
    expect(graph(later)).toContain('adelay=delays=800:all=1[sound]');
  });

  it('is the plain side by side at offset 0', () => {
    const args = sideBySideArgs('main.mp4', 'side.mp4', 'out.mp4', layout, 0, 0);
    expect(graph(args)).toBe('[0:v]scale=640:360,setsar=1,format=yuv420p[main];[1:v]scale=640:360,setsar=1,format=yuv420p[side];[main][side]hstack=inputs=2[both]');
  });
});
