/**
 * One reading of a feed's WebRTC statistics, reduced to what the quality grade needs. Built
 * from `RTCPeerConnection.getStats()` by `sampleFromStats`, which is pure over the report's
 * records so it can be tested with recorded reports.
 */
export interface StatsSample {
  /** When the stats were taken, in ms (the report's own timestamp). */
  readonly at: number;
  /** The inbound video stream; null when the connection receives no video (yet). */
  readonly video: InboundVideo | null;
  /** Round trip of the selected candidate pair, in seconds; null when not reported. */
  readonly roundTripTime: number | null;
}

export interface InboundVideo {
  readonly bytesReceived: number;
  readonly packetsReceived: number;
  readonly packetsLost: number;
  readonly framesDecoded: number;
  readonly frameWidth: number | null;
  readonly frameHeight: number | null;
  /** As the browser reports it (Chromium does); null when not. */
  readonly framesPerSecond: number | null;
  /** Seconds. */
  readonly jitter: number | null;
  /** Chromium counts freezes itself; null where it does not. */
  readonly freezeCount: number | null;
  readonly totalFreezesDuration: number | null;
  /** Cumulative seconds frames spent in the jitter buffer, and how many left it; null where not reported. */
  readonly jitterBufferDelay: number | null;
  readonly jitterBufferEmittedCount: number | null;
  /** Cumulative seconds spent decoding; null where not reported. */
  readonly totalDecodeTime: number | null;
}

/** A stats record as the report's iterator yields it: a type and some fields. */
export type StatsRecord = { readonly type: string; readonly id?: string } & Readonly<Record<string, unknown>>;

const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/**
 * The sample of one report: the inbound video with the most bytes (a renegotiated connection
 * may keep a dead one), and the round trip of the transport's selected candidate pair (or, where
 * the transport does not name it, the nominated pair that succeeded).
 */
export function sampleFromStats(records: Iterable<StatsRecord>, at: number): StatsSample {
  const all = [...records];
  const videos = all.filter((record) => record.type === 'inbound-rtp' && (record.kind === 'video' || record.mediaType === 'video'));
  const video = videos.sort((a, b) => (num(b.bytesReceived) ?? 0) - (num(a.bytesReceived) ?? 0))[0];
  const selectedIds = new Set(
    all.filter((record) => record.type === 'transport' && typeof record.selectedCandidatePairId === 'string').map((record) => record.selectedCandidatePairId),
  );
  const pairs = all.filter((record) => record.type === 'candidate-pair');
  const pair =
    pairs.find((record) => record.id !== undefined && selectedIds.has(record.id)) ??
    pairs.find((record) => record.nominated === true && record.state === 'succeeded');
  return {
    at,
    roundTripTime: num(pair?.currentRoundTripTime),
    video: video
      ? {
          bytesReceived: num(video.bytesReceived) ?? 0,
          packetsReceived: num(video.packetsReceived) ?? 0,
          packetsLost: Math.max(0, num(video.packetsLost) ?? 0),
          framesDecoded: num(video.framesDecoded) ?? 0,
          frameWidth: num(video.frameWidth),
          frameHeight: num(video.frameHeight),
          framesPerSecond: num(video.framesPerSecond),
          jitter: num(video.jitter),
          freezeCount: num(video.freezeCount),
          totalFreezesDuration: num(video.totalFreezesDuration),
          jitterBufferDelay: num(video.jitterBufferDelay),
          jitterBufferEmittedCount: num(video.jitterBufferEmittedCount),
          totalDecodeTime: num(video.totalDecodeTime),
        }
      : null,
  };
}
