import type { StatsSample } from './stats-sample';

/**
 * A feed's connection quality at a glance: the figures an examiner may hover for, from two
 * successive stats samples, and one grade. Pure, so the thresholds are table-tested.
 *
 *   lost — no video at all, no bytes arriving, or the picture is frozen;
 *   poor — it arrives, but something is off enough to see or hear: packet loss, jitter, a long
 *          round trip, freezes, or a frame rate or resolution that is low, or fell far below
 *          what the device sent on this link at its best;
 *   good — otherwise.
 *
 * The bitrate is a figure, never a reason: a still picture encodes at a few dozen kbit/s and is
 * perfectly watchable, while what a low rate harms (loss, frames, resolution) is graded itself.
 */
export type QualityGrade = 'good' | 'poor' | 'lost';

export type QualityReason =
  | 'no_video'
  | 'no_data'
  | 'frozen'
  | 'packet_loss'
  | 'round_trip'
  | 'jitter'
  | 'low_frame_rate'
  | 'low_resolution'
  | 'freezes';

export interface QualityFigures {
  readonly width: number | null;
  readonly height: number | null;
  readonly framesPerSecond: number | null;
  readonly bitrateKbps: number | null;
  readonly roundTripMs: number | null;
  /** Share of the interval's packets that were lost, 0–100. */
  readonly packetLossPercent: number | null;
  readonly jitterMs: number | null;
  /** Freezes the browser counted since the connection began, and their total length. */
  readonly freezeCount: number | null;
  readonly freezeSeconds: number | null;
}

export interface FeedQuality {
  readonly grade: QualityGrade;
  /** Why it is not good, most serious first; empty when good. */
  readonly reasons: readonly QualityReason[];
  readonly figures: QualityFigures;
}

/** Beyond these a feed is poor. Chosen for a person watching a performance, not for a codec. */
export const POOR_WHEN = {
  packetLossPercent: 5,
  roundTripMs: 400,
  jitterMs: 100,
  framesPerSecond: 12,
  height: 240,
  /** A frame rate or a height below this share of the link's best: the sender cut it back. */
  shareOfBest: 0.5,
} as const;

/**
 * What the device sent on this link at its best so far: the highest frame rate and height
 * seen. A fall far below it is the sender adapting to a bad path, even above the absolute floors.
 */
export interface FeedReference {
  readonly framesPerSecond: number | null;
  readonly height: number | null;
}

/** The reference after one more sample. */
export function raiseReference(reference: FeedReference | null, quality: FeedQuality): FeedReference {
  const best = (a: number | null | undefined, b: number | null) => (a == null ? b : b === null ? a : Math.max(a, b));
  return {
    framesPerSecond: best(reference?.framesPerSecond, quality.figures.framesPerSecond),
    height: best(reference?.height, quality.figures.height),
  };
}

/** A shorter interval says too little about rates. */
const MIN_INTERVAL_MS = 200;

const NO_FIGURES: QualityFigures = {
  width: null,
  height: null,
  framesPerSecond: null,
  bitrateKbps: null,
  roundTripMs: null,
  packetLossPercent: null,
  jitterMs: null,
  freezeCount: null,
  freezeSeconds: null,
};

/**
 * The quality of a feed from its latest stats sample and the one before (null for the first),
 * and whether its picture is frozen now (see freeze.ts).
 */
export function feedQuality(previous: StatsSample | null, current: StatsSample | null, frozen: boolean, reference: FeedReference | null = null): FeedQuality {
  const video = current?.video ?? null;
  if (current === null || video === null) {
    return { grade: 'lost', reasons: frozen ? ['no_video', 'frozen'] : ['no_video'], figures: { ...NO_FIGURES, roundTripMs: ms(current?.roundTripTime ?? null) } };
  }
  const before = previous?.video ?? null;
  const elapsed = previous === null ? 0 : current.at - previous.at;
  // Counters only grow on one connection: smaller ones mean a new connection, not a rate.
  const comparable =
    before !== null && elapsed >= MIN_INTERVAL_MS && video.bytesReceived >= before.bytesReceived && video.framesDecoded >= before.framesDecoded;

  const delta = (pick: (v: NonNullable<typeof video>) => number) => (comparable && before ? pick(video) - pick(before) : null);
  const bytes = delta((v) => v.bytesReceived);
  const decoded = delta((v) => v.framesDecoded);
  const received = delta((v) => v.packetsReceived);
  const lost = delta((v) => v.packetsLost);
  const packets = received !== null && lost !== null ? received + Math.max(0, lost) : null;

  const figures: QualityFigures = {
    width: video.frameWidth,
    height: video.frameHeight,
    framesPerSecond: video.framesPerSecond ?? (decoded !== null ? round1((decoded * 1000) / elapsed) : null),
    bitrateKbps: bytes !== null ? Math.round((bytes * 8) / elapsed) : null,
    roundTripMs: ms(current.roundTripTime),
    packetLossPercent: packets !== null && packets > 0 && lost !== null ? round1((Math.max(0, lost) * 100) / packets) : null,
    jitterMs: ms(video.jitter),
    freezeCount: video.freezeCount,
    freezeSeconds: video.totalFreezesDuration,
  };

  const lostReasons: QualityReason[] = [];
  if (bytes === 0) lostReasons.push('no_data');
  if (frozen) lostReasons.push('frozen');
  if (lostReasons.length > 0) return { grade: 'lost', reasons: lostReasons, figures };

  const poor: QualityReason[] = [];
  if (figures.packetLossPercent !== null && figures.packetLossPercent > POOR_WHEN.packetLossPercent) poor.push('packet_loss');
  if (figures.roundTripMs !== null && figures.roundTripMs > POOR_WHEN.roundTripMs) poor.push('round_trip');
  if (figures.jitterMs !== null && figures.jitterMs > POOR_WHEN.jitterMs) poor.push('jitter');
  if (belowFloorOrBest(figures.framesPerSecond, POOR_WHEN.framesPerSecond, reference?.framesPerSecond ?? null)) poor.push('low_frame_rate');
  if (belowFloorOrBest(figures.height, POOR_WHEN.height, reference?.height ?? null)) poor.push('low_resolution');
  const newFreezes = comparable && before?.freezeCount != null && video.freezeCount !== null ? video.freezeCount - before.freezeCount : 0;
  if (newFreezes > 0) poor.push('freezes');
  return { grade: poor.length > 0 ? 'poor' : 'good', reasons: poor, figures };
}

function belowFloorOrBest(value: number | null, floor: number, best: number | null): boolean {
  if (value === null) return false;
  return value < floor || (best !== null && value < best * POOR_WHEN.shareOfBest);
}

function ms(seconds: number | null): number | null {
  return seconds === null ? null : Math.round(seconds * 1000);
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
