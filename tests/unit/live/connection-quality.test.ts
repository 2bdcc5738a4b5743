import { describe, expect, it } from 'vitest';
import { feedQuality, POOR_WHEN, type QualityGrade, type QualityReason } from '../../../renderer/src/live/quality/connection-quality';
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
    ['100 kbit/s', base, next({ bytesReceived: 1_012_500 }), false, 'poor', ['low_bitrate']],
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
    expect(POOR_WHEN).toEqual({ packetLossPercent: 5, roundTripMs: 400, jitterMs: 100, framesPerSecond: 12, bitrateKbps: 150, height: 240 });
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
