import { startCameraFeed, type CameraFeed } from './camera';
import type { PageSettings } from './settings';

/** What the page films with: the simulated canvas or the device's own camera. */
export interface CameraSource extends CameraFeed {
  readonly kind: 'canvas' | 'real';
  /** The element that previews it on the page. */
  readonly preview: HTMLElement;
  /** Why the real camera could not be used (the canvas stands in), or null. */
  readonly refused: string | null;
}

function canvasSource(settings: PageSettings, refused: string | null): CameraSource {
  const canvas = document.createElement('canvas');
  canvas.dataset.testid = 'camera';
  return { ...startCameraFeed(canvas, settings), kind: 'canvas', preview: canvas, refused };
}

/**
 * The real camera and microphone when the URL asks for them (`camera=real`) and the browser
 * allows it; otherwise, or when permission is refused, the simulated canvas, saying why.
 */
export async function openCameraSource(settings: PageSettings): Promise<CameraSource> {
  if (settings.camera !== 'real') return canvasSource(settings, null);
  let stream: MediaStream;
  try {
    if (!navigator.mediaDevices?.getUserMedia) throw new Error('getUserMedia is not available (the page needs https or localhost)');
    stream = await navigator.mediaDevices.getUserMedia({
      video: { width: { ideal: settings.width }, height: { ideal: settings.height }, frameRate: { ideal: settings.fps } },
      audio: true,
    });
  } catch (error) {
    return canvasSource(settings, error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  }
  const video = document.createElement('video');
  video.dataset.testid = 'camera';
  video.muted = true;
  video.playsInline = true;
  video.autoplay = true;
  video.srcObject = stream;
  const started = new Promise<void>((resolve) => video.addEventListener('playing', () => resolve(), { once: true }));
  void video.play().catch(() => undefined);
  return {
    kind: 'real',
    preview: video,
    refused: null,
    stream,
    started,
    frames: () => video.getVideoPlaybackQuality().totalVideoFrames,
    stop: () => {
      for (const track of stream.getTracks()) track.stop();
    },
  };
}
