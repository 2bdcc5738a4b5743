import type { Device } from '@common/platform';
import type { StatsSample } from './quality/stats-sample';
import type { InterviewSession } from './session/interview-session';

/** One feed as tests and the benchmark read it. Plain data: it crosses Playwright's evaluate(). */
export interface FeedReading {
  readonly link: string;
  readonly online: boolean;
  readonly playing: boolean;
  readonly frozen: boolean;
  readonly grade: string;
  readonly links: number;
  readonly frames: number;
  /** ms from opening the current link to its first frame on screen; null before it. */
  readonly firstFrameMs: number | null;
  /** performance.now() of the current link's first frame; null before it. */
  readonly firstFrameAt: number | null;
  readonly freezes: number;
  readonly frozenMs: number;
  /** While frozen: performance.now() of the last frame shown before the freeze; null otherwise. */
  readonly frozenSince: number | null;
  readonly stamped: number;
  readonly wrongDevice: number;
  /**
   * The receiving side's cumulative counters from the latest stats sample (null before one, or
   * where the browser does not report them), for the benchmark to tell where latency goes.
   */
  readonly receiver: {
    readonly framesDecoded: number;
    readonly jitterBufferDelayS: number | null;
    readonly jitterBufferEmitted: number | null;
    readonly decodeTimeS: number | null;
  } | null;
  readonly recorder: { readonly state: string; readonly elapsedMs: number; readonly recordingId: string | null; readonly savedBytes: number } | null;
  /** The platform's refusal of the subscription (e.g. direct_route_full); null otherwise. */
  readonly refused: string | null;
}

/** Talk-back as tests read it. */
export interface TalkReading {
  readonly mic: string;
  readonly talking: boolean;
  readonly pushToTalk: boolean;
  readonly openMic: boolean;
  /** The voice link: none, connecting, connected, closed. */
  readonly voice: string;
  /** The microphone's level now, 0–1. */
  readonly micLevel: number;
  readonly refused: string | null;
}

/** The panel room as tests read it; null before the first `room` push. */
export interface RoomReading {
  readonly route: string;
  readonly routeReason: string;
  readonly epoch: number;
  readonly isLead: boolean;
  readonly extraSeconds: number;
  readonly members: readonly { readonly displayName: string; readonly role: string; readonly present: boolean; readonly talking: boolean; readonly submitted: boolean }[];
}

/**
 * What end-to-end tests and the benchmark drive and read (window.__examinerLive), in the manner
 * of Mattermost's __e2eAppReady: they wait for these, never sleep. Setting
 * `window.__examinerLiveProbe = true` before the page loads makes the panels read the frame
 * stamps of simulated candidates, for glass-to-glass figures. The interview never reads this.
 */
export interface LiveTestHandle {
  readonly entryId: string;
  /** performance.now() when the examiner clicked "call in" on this interview; null otherwise. */
  calledAt: number | null;
  feed(device: Device): FeedReading;
  /** Glass-to-glass latencies (ms) read since the last call, and forgets them. */
  takeLatencies(device: Device): number[];
  talk(): TalkReading;
  room(): RoomReading | null;
  /** Holds or releases push-to-talk, as the button does. */
  setPushToTalk(held: boolean): void;
}

declare global {
  interface Window {
    __examinerLive?: LiveTestHandle;
    __examinerLiveProbe?: boolean;
  }
}

export function exposeForTests(session: InterviewSession, entryId: string): () => void {
  const handle: LiveTestHandle = {
    entryId,
    calledAt: null,
    feed: (device) => {
      const controller = session.feeds[device];
      const { diagnostics, snapshot } = controller;
      const recorder = snapshot.recorder;
      return {
        link: snapshot.link,
        online: snapshot.online,
        playing: snapshot.playing,
        frozen: snapshot.frozen,
        grade: snapshot.quality.grade,
        links: diagnostics.links,
        frames: diagnostics.frames,
        firstFrameAt: diagnostics.firstFrameAt,
        firstFrameMs:
          diagnostics.firstFrameAt !== null && diagnostics.linkOpenedAt !== null ? diagnostics.firstFrameAt - diagnostics.linkOpenedAt : null,
        freezes: diagnostics.freeze.freezes,
        frozenMs: controller.frozenMs(),
        frozenSince: diagnostics.freeze.frozenSince,
        stamped: diagnostics.latencies.length,
        wrongDevice: diagnostics.wrongDevice,
        receiver: receiverOf(controller.latestStats),
        recorder: recorder && { state: recorder.state, elapsedMs: recorder.elapsedMs, recordingId: recorder.recordingId, savedBytes: recorder.savedBytes },
        refused: snapshot.refused,
      };
    },
    takeLatencies: (device) => session.feeds[device].diagnostics.latencies.splice(0),
    talk: () => {
      const talk = session.talk.snapshot;
      return {
        mic: talk.mic,
        talking: talk.talking,
        pushToTalk: talk.pushToTalk,
        openMic: talk.openMic,
        voice: talk.voice,
        micLevel: talk.level,
        refused: talk.refused,
      };
    },
    room: () => {
      const room = session.room;
      if (!room) return null;
      return {
        route: room.route,
        routeReason: room.routeReason,
        epoch: room.epoch,
        isLead: room.lead !== null && room.lead === room.you,
        extraSeconds: room.extraSeconds,
        members: room.members.map(({ displayName, role, present, talking, submitted }) => ({ displayName, role, present, talking, submitted })),
      };
    },
    setPushToTalk: (held) => session.talk.setPushToTalk(held),
  };
  window.__examinerLive = handle;
  return () => {
    if (window.__examinerLive === handle) delete window.__examinerLive;
  };
}

/** Marks the moment the examiner called the candidate in, for the first-frame figure. */
export function markCalled(entryId: string): void {
  const handle = window.__examinerLive;
  if (handle?.entryId === entryId) handle.calledAt = performance.now();
}

function receiverOf(sample: StatsSample | null): FeedReading['receiver'] {
  const video = sample?.video;
  if (!video) return null;
  return {
    framesDecoded: video.framesDecoded,
    jitterBufferDelayS: video.jitterBufferDelay,
    jitterBufferEmitted: video.jitterBufferEmittedCount,
    decodeTimeS: video.totalDecodeTime,
  };
}
