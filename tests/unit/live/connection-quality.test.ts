import { describe, expect, it } from 'vitest';
import {
  feedQuality,
  POOR_WHEN,
  raiseReference,
  type FeedReference,
  type QualityGrade,
  type QualityReason,
} from '../../../renderer/src/live/quality/connection-quality';
import { sampleFromStats, type InboundVideo, type StatsRecord, type StatsSample } from '../../../renderer/src/live/quality/stats-sample';

/** A healthy 720p30 feed at about 1.5 Mbit/s, one second after `base`. */
const video = (change: Partial<InboundVideo> = {}): InboundVideo => ({
  bytesReceived: 1_000_000,
  packetsReceived: 1_000,
  packetsLost: 0,
  framesDecoded: 300,
  frameWidth: 1280,
  frameHeight: 720,
  framesPerSecond: 30,
  jitter: 0.004,
  freezeCount: 0,
  totalFreezesDuration: 0,
  jitterBufferDelay: null,
  jitterBufferEmittedCount: null,
  totalDecodeTime: null,
  ...change,
});
const base: StatsSample = { at: 10_000, video: video(), roundTripTime: 0.002 };
const next = (change: Partial<InboundVideo>, rest: Partial<StatsSample> = {}): StatsSample => ({
  at: 11_000,
  roundTripTime: 0.002,
  video: video({ bytesReceived: 1_187_500, packetsReceived: 1_150, framesDecoded: 330, ...change }),
  ...rest,
});

describe('feedQuality: the grade', () => {
  it.each<[string, StatsSample | null, StatsSample | null, boolean, QualityGrade, QualityReason[]]>([
    ['a healthy feed', base, next({}), false, 'good', []],
    ['the first sample: rates unknown, nothing wrong yet', null, base, false, 'good', []],
    ['no stats at all (no connection)', base, null, false, 'lost', ['no_video']],
    ['a connection without a video stream', base, { at: 11_000, video: null, roundTripTime: 0.002 }, false, 'lost', ['no_video']],
    ['no bytes during the interval', base, next({ bytesReceived: 1_000_000, packetsReceived: 1_000, framesDecoded: 300 }), false, 'lost', ['no_data']],
    ['bytes arrive, but the picture is frozen', base, next({}), true, 'lost', ['frozen']],
    ['nothing arrives and the picture is frozen', base, next({ bytesReceived: 1_000_000, packetsReceived: 1_000, framesDecoded: 300 }), true, 'lost', ['no_data', 'frozen']],
    ['6 % of packets lost', base, next({ packetsReceived: 1_094, packetsLost: 6 }), false, 'poor', ['packet_loss']],
    ['exactly 5 % lost is still good', base, next({ packetsReceived: 1_095, packetsLost: 5 }), false, 'good', []],
    ['a 450 ms round trip', base, next({}, { roundTripTime: 0.45 }), false, 'poor', ['round_trip']],
    ['150 ms of jitter', base, next({ jitter: 0.15 }), false, 'poor', ['jitter']],
    ['8 frames a second', base, next({ framesPerSecond: 8, framesDecoded: 308 }), false, 'poor', ['low_frame_rate']],
    ['a rate from frames decoded where none is reported', base, next({ framesPerSecond: null, framesDecoded: 305 }), false, 'poor', ['low_frame_rate']],
    ['100 kbit/s alone is not poor (a still picture encodes small)', base, next({ bytesReceived: 1_012_500 }), false, 'good', []],
    ['lowered to 320×180', base, next({ frameWidth: 320, frameHeight: 180 }), false, 'poor', ['low_resolution']],
    ['a freeze the browser counted in the interval', base, next({ freezeCount: 1, totalFreezesDuration: 0.6 }), false, 'poor', ['freezes']],
    ['several problems at once, all named', base, next({ packetsLost: 100, jitter: 0.2 }, { roundTripTime: 0.5 }), false, 'poor', ['packet_loss', 'round_trip', 'jitter']],
    ['counters that went down: a new connection, no rates yet', base, { at: 11_000, video: video({ bytesReceived: 5_000, packetsReceived: 5, framesDecoded: 2 }), roundTripTime: 0.002 }, false, 'good', []],
    ['two samples too close together to tell rates', base, { ...next({ bytesReceived: 1_000_000 }), at: 10_100 }, false, 'good', []],
  ])('%s', (_label, previous, current, frozen, grade, reasons) => {
    const quality = feedQuality(previous, current, frozen);
    expect(quality.grade).toBe(grade);
    expect(quality.reasons).toEqual(reasons);
  });
});

describe('feedQuality: against what the device sent at its best on the link', () => {
  const best: FeedReference = { framesPerSecond: 30, height: 720 };
  it.each<[string, FeedReference | null, StatsSample, QualityGrade, QualityReason[]]>([
    ['the same as its best', best, next({}), 'good', []],
    ['the rate fell from 30 to 14 frames a second: the sender cut it back', best, next({ framesPerSecond: 14 }), 'poor', ['low_frame_rate']],
    ['the rate fell from 30 to 16: still more than half', best, next({ framesPerSecond: 16 }), 'good', []],
    ['a device that always sends 15 frames a second', { framesPerSecond: 15, height: 720 }, next({ framesPerSecond: 15 }), 'good', []],
    ['720p scaled down to 320p by the sender', best, next({ frameWidth: 568, frameHeight: 320 }), 'poor', ['low_resolution']],
    ['a device that always sends 360p', { framesPerSecond: 30, height: 360 }, next({ frameWidth: 640, frameHeight: 360 }), 'good', []],
    ['no reference yet: only the floors', null, next({ framesPerSecond: 14, frameHeight: 320 }), 'good', []],
  ])('%s', (_label, reference, current, grade, reasons) => {
    const quality = feedQuality(base, current, false, reference);
    expect(quality.grade).toBe(grade);
    expect(quality.reasons).toEqual(reasons);
  });

  it('keeps the best frame rate and height seen, ignoring what is unknown', () => {
    const first = raiseReference(null, feedQuality(base, next({ framesPerSecond: 24, frameHeight: 360 }), false));
    expect(first).toEqual({ framesPerSecond: 24, height: 360 });
    const second = raiseReference(first, feedQuality(base, next({ framesPerSecond: 30, frameHeight: 240 }), false));
    expect(second).toEqual({ framesPerSecond: 30, height: 360 });
    const third = raiseReference(second, feedQuality(null, { ...base, video: video({ framesPerSecond: null, frameHeight: null }) }, false));
    expect(third).toEqual({ framesPerSecond: 30, height: 360 });
  });
});

describe('feedQuality: a still picture on a healthy path', () => {
  /**
   * Chromium's getStats() records of a still 640×360 canvas feed over loopback, one second
   * apart: 30 frames a second decoded, no loss, sub-millisecond jitter, and only ~40 kbit/s,
   * because a picture that does not change encodes to almost nothing.
   */
  const still = (bytes: number, packets: number, frames: number): StatsRecord[] => [
    { type: 'transport', id: 'T01', selectedCandidatePairId: 'CP1' },
    { type: 'candidate-pair', id: 'CP1', nominated: true, state: 'succeeded', currentRoundTripTime: 0.001 },
    { type: 'inbound-rtp', id: 'IA', kind: 'audio', bytesReceived: 40_000, packetsReceived: 300, packetsLost: 0, jitter: 0.002 },
    {
      type: 'inbound-rtp',
      id: 'IV',
      kind: 'video',
      mediaType: 'video',
      bytesReceived: bytes,
      packetsReceived: packets,
      packetsLost: 0,
      framesDecoded: frames,
      framesReceived: frames,
      frameWidth: 640,
      frameHeight: 360,
      framesPerSecond: 30,
      jitter: 0.0006,
      freezeCount: 0,
      totalFreezesDuration: 0,
      jitterBufferDelay: 1.2,
      jitterBufferEmittedCount: frames,
      totalDecodeTime: 0.09,
    },
  ];

  it('grades good although its bitrate is tiny', () => {
    const first = sampleFromStats(still(120_000, 400, 300), 20_000);
    const second = sampleFromStats(still(125_000, 430, 330), 21_000);
    const quality = feedQuality(first, second, false, raiseReference(null, feedQuality(null, first, false)));
    expect(quality.figures.bitrateKbps).toBe(40);
    expect(quality.figures).toMatchObject({ framesPerSecond: 30, height: 360, packetLossPercent: 0, jitterMs: 1, roundTripMs: 1 });
    expect(quality).toMatchObject({ grade: 'good', reasons: [] });
  });
});

describe('feedQuality: the figures on hover', () => {
  it('turns two samples into resolution, rate, bitrate, round trip, loss and jitter', () => {
    const { figures } = feedQuality(base, next({ packetsReceived: 1_147, packetsLost: 3, jitter: 0.0123 }, { roundTripTime: 0.0456 }), false);
    expect(figures).toEqual({
      width: 1280,
      height: 720,
      framesPerSecond: 30,
      bitrateKbps: 1500,
      roundTripMs: 46,
      packetLossPercent: 2,
      jitterMs: 12,
      freezeCount: 0,
      freezeSeconds: 0,
    });
  });

  it('leaves out what cannot be known from one sample', () => {
    const { figures } = feedQuality(null, { ...base, video: video({ framesPerSecond: null }) }, false);
    expect(figures).toMatchObject({ framesPerSecond: null, bitrateKbps: null, packetLossPercent: null, width: 1280, roundTripMs: 2 });
  });

  it('uses thresholds a person notices', () => {
    expect(POOR_WHEN).toEqual({ packetLossPercent: 5, roundTripMs: 400, jitterMs: 100, framesPerSecond: 12, height: 240, shareOfBest: 0.5 });
  });
});

describe('sampleFromStats', () => {
  /** Records as Chromium's getStats() yields them (trimmed to the fields read). */
  const report: StatsRecord[] = [
    { type: 'transport', id: 'T01', selectedCandidatePairId: 'CP2' },
    { type: 'candidate-pair', id: 'CP1', nominated: true, state: 'succeeded', currentRoundTripTime: 0.9 },
    { type: 'candidate-pair', id: 'CP2', nominated: true, state: 'succeeded', currentRoundTripTime: 0.003 },
    { type: 'inbound-rtp', id: 'IA', kind: 'audio', bytesReceived: 90_000, packetsReceived: 500, packetsLost: 1, jitter: 0.001 },
    { type: 'inbound-rtp', id: 'IV0', kind: 'video', bytesReceived: 10, packetsReceived: 1, packetsLost: 0, framesDecoded: 0 },
    {
      type: 'inbound-rtp',
      id: 'IV1',
      kind: 'video',
      bytesReceived: 2_000_000,
      packetsReceived: 2_000,
      packetsLost: -1,
      framesDecoded: 600,
      frameWidth: 1280,
      frameHeight: 720,
      framesPerSecond: 29,
      jitter: 0.005,
      freezeCount: 2,
      totalFreezesDuration: 1.4,
      jitterBufferDelay: 24,
      jitterBufferEmittedCount: 600,
      totalDecodeTime: 1.8,
    },
  ];

  it('takes the video stream with the most bytes and the selected pair’s round trip', () => {
    expect(sampleFromStats(report, 5_000)).toEqual({
      at: 5_000,
      roundTripTime: 0.003,
      video: {
        bytesReceived: 2_000_000,
        packetsReceived: 2_000,
        // A negative count (duplicates received) is no loss.
        packetsLost: 0,
        framesDecoded: 600,
        frameWidth: 1280,
        frameHeight: 720,
        framesPerSecond: 29,
        jitter: 0.005,
        freezeCount: 2,
        totalFreezesDuration: 1.4,
        jitterBufferDelay: 24,
        jitterBufferEmittedCount: 600,
        totalDecodeTime: 1.8,
      },
    });
  });

  it('falls back to the nominated pair, and reports no video when there is none', () => {
    const sample = sampleFromStats(
      report.filter((record) => record.type !== 'transport' && record.kind !== 'video' && record.id !== 'CP1'),
      1,
    );
    expect(sample).toEqual({ at: 1, roundTripTime: 0.003, video: null });
  });

  it('leaves out fields a browser does not report', () => {
    const sample = sampleFromStats([{ type: 'inbound-rtp', kind: 'video', bytesReceived: 5 }], 1);
    expect(sample.video).toMatchObject({ framesPerSecond: null, freezeCount: null, frameWidth: null, jitter: null });
    expect(sample.roundTripTime).toBeNull();
  });
});
