import type { Device, QueueEntry, QueueState } from '@common/platform/queue';
import type { QuickMessageId } from '@common/platform/realtime';
import { startSimulatedCamera, type SimulatedCamera } from './camera';
import { SimulatedDevice } from './device';

export interface SimulatedCandidateOptions {
  readonly platformUrl: string;
  readonly mainToken: string;
  readonly sideToken: string;
  /** Camera size and rate (default 640×360 at 15 fps: many candidates share one machine). */
  readonly width?: number;
  readonly height?: number;
  readonly fps?: number;
  /** Send a test tone as audio (main 440 Hz, side 660 Hz, as on the page). Default false. */
  readonly tone?: boolean;
  /** Face verification attempts that fail before one matches (3 reach manual review). */
  readonly faceFailures?: number;
}

export interface SimulatedCandidate {
  readonly main: SimulatedDevice;
  readonly side: SimulatedDevice;
  /** The candidate's queue entry as their main device last saw it. */
  entry(): QueueEntry | null;
  /** Resolves with the entry once it is in one of `states` (as the main device sees it). */
  untilState(...states: QueueState[]): Promise<QueueEntry>;
  /** An interruption of one device, or both: offline for `seconds`, then back. */
  drop(seconds: number, device?: Device | 'both'): Promise<void>;
  quickMessage(messageId: QuickMessageId, device?: Device): boolean;
  /** Frames each camera produced so far. */
  frames(): Record<Device, number>;
  /** Panel voices the main device plays now. */
  voices(): number;
  /** Energy of the panel's voices at `hz` on the main device (0..1 of full scale, last 200 ms). */
  voiceLevel(hz: number): number;
  /** Bytes both phones sent so far on the peers that publish their cameras now (the uplink). */
  outboundBytes(): Promise<number>;
  stop(): void;
}

const TONES: Record<Device, number> = { main: 440, side: 660 };

/**
 * A candidate with both phones, in Node: two devices with their cameras, connected to the
 * platform. Resolves once both are online; the main device then walks the queue by itself up
 * to `waiting`, and joins when an examiner calls.
 */
export async function startSimulatedCandidate(options: SimulatedCandidateOptions): Promise<SimulatedCandidate> {
  const camera = (device: Device): SimulatedCamera =>
    startSimulatedCamera({
      device,
      width: options.width ?? 640,
      height: options.height ?? 360,
      fps: options.fps ?? 15,
      toneHz: options.tone ? TONES[device] : null,
    });
  const cameras = { main: camera('main'), side: camera('side') };
  const device = (which: Device, token: string) =>
    new SimulatedDevice({
      platformUrl: options.platformUrl,
      token,
      device: which,
      stream: cameras[which].stream,
      ...(options.faceFailures !== undefined && { faceFailures: options.faceFailures }),
    });
  // The side phone first: joining the room needs both, as the manuals' dual-camera setup does.
  const side = device('side', options.sideToken);
  const main = device('main', options.mainToken);
  const devices = { main, side };
  const stop = () => {
    main.stop();
    side.stop();
    cameras.main.stop();
    cameras.side.stop();
  };
  try {
    await side.start();
    await main.start();
  } catch (error) {
    stop();
    throw error;
  }

  return {
    main,
    side,
    entry: () => main.snapshot.entry,
    untilState: (...states) =>
      new Promise((resolve) => {
        void main.until(({ entry }) => {
          if (entry === null || !states.includes(entry.state)) return false;
          resolve(entry);
          return true;
        });
      }),
    drop: async (seconds, which = 'main') => {
      await Promise.all((which === 'both' ? (['main', 'side'] as const) : [which]).map((name) => devices[name].drop(seconds)));
    },
    quickMessage: (messageId, which = 'main') => devices[which].quickMessage(messageId),
    frames: () => ({ main: cameras.main.frames(), side: cameras.side.frames() }),
    voices: () => main.snapshot.voices,
    voiceLevel: (hz) => main.voiceLevel(hz),
    outboundBytes: async () => (await main.outboundBytes()) + (await side.outboundBytes()),
    stop,
  };
}
