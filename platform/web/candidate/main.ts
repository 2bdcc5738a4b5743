import type { QueueState } from '@common/platform/queue';
import type { QuickMessageId } from '@common/platform/realtime';
import { startCameraFeed } from './camera';
import { openPageDevice } from './device';
import { readSettings, type PageSettings } from './settings';
import { renderDevicePage, renderProblem } from './view';

/** What end-to-end tests drive and read; the page itself never uses it. */
export interface CandidateTestHandle {
  readonly state: QueueState | null;
  readonly prompts: readonly string[];
  readonly connection: string;
  readonly peer: string;
  readonly frames: number;
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
  const canvas = document.createElement('canvas');
  canvas.dataset.testid = 'camera';
  const feed = startCameraFeed(canvas, settings);
  const device = openPageDevice(settings, feed.stream);
  renderDevicePage(root, canvas, settings, device);
  const ready = Promise.all([feed.started, device.start()]).then(() => {
    document.documentElement.dataset.candidateReady = 'true';
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
    get peer() {
      return device.snapshot.peer;
    },
    get frames() {
      return feed.frames();
    },
    drop: (seconds) => device.drop(seconds),
    quickMessage: (id) => device.quickMessage(id),
    ready,
  };
}

const root = document.getElementById('candidate');
const settings = readSettings(window.location);
if (root) {
  if ('problem' in settings) renderProblem(root, settings.problem);
  else start(root, settings);
}
