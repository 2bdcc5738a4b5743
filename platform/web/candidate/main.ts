import type { QueueState } from '@common/platform/queue';
import type { QuickMessageId } from '@common/platform/realtime';
import { openPageDevice } from './device';
import { readSettings, type PageSettings } from './settings';
import { openCameraSource } from './source';
import { renderDevicePage, renderProblem } from './view';
import { createVoicePlayer } from './voices';

/** What end-to-end tests drive and read; the page itself never uses it. */
export interface CandidateTestHandle {
  readonly state: QueueState | null;
  readonly prompts: readonly string[];
  readonly connection: string;
  /** The camera's link to the panel: 'none' | 'connecting' | 'connected' (any publishing peer). */
  readonly publish: string;
  /** Publishing peers open now (1 through the SFU; one per examiner on the direct route). */
  readonly publishers: number;
  /** Panel voices being played now. */
  readonly voices: number;
  /** Frames the camera produced so far. */
  readonly frames: number;
  /** 'canvas' or 'real' (after a refused getUserMedia: 'canvas'). */
  readonly camera: string;
  /** Energy of the received panel audio at `hz` (0..255, AnalyserNode's byte scale; the loudest voice). */
  voiceLevel(hz: number): number;
  /** Sum of bytesSent of the outbound RTP streams of every publishing peer open now (getStats). */
  outboundBytes(): Promise<number>;
  drop(seconds: number): Promise<void>;
  quickMessage(id: QuickMessageId): boolean;
  /** Resolves when the camera feed runs and the realtime socket is up. */
  readonly ready: Promise<void>;
}

declare global {
  interface Window {
    __candidate?: CandidateTestHandle;
  }
}

function start(root: HTMLElement, settings: PageSettings): void {
  const voiceBox = document.createElement('div');
  voiceBox.dataset.testid = 'voices';
  const voices = createVoicePlayer(voiceBox);
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  void openCameraSource(settings).then((source) => {
    const { device, publishing } = openPageDevice(settings, source.stream, voices);
    renderDevicePage(root, source, settings, device, voices, voiceBox);
    void Promise.all([source.started, device.start()]).then(() => {
      document.documentElement.dataset.candidateReady = 'true';
      markReady();
    });
    window.__candidate = {
      get state() {
        return device.snapshot.entry?.state ?? null;
      },
      get prompts() {
        return device.snapshot.prompts.map((prompt) => prompt.text);
      },
      get connection() {
        return device.snapshot.connection;
      },
      get publish() {
        return device.snapshot.publish;
      },
      get publishers() {
        return device.snapshot.publishers;
      },
      get voices() {
        return device.snapshot.voices;
      },
      get frames() {
        return source.frames();
      },
      camera: source.kind,
      voiceLevel: (hz) => voices.level(hz),
      outboundBytes: () => publishing.outboundBytes(),
      drop: (seconds) => device.drop(seconds),
      quickMessage: (id) => device.quickMessage(id),
      ready,
    };
  });
}

const root = document.getElementById('candidate');
const settings = readSettings(window.location);
if (root) {
  if ('problem' in settings) renderProblem(root, settings.problem);
  else start(root, settings);
}
