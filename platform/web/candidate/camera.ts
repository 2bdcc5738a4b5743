import { paintFrameStamp, STAMP_TAGS, stampLayout } from '@common/media/frame-stamp';
import type { Device } from '@common/platform/queue';

/**
 * A phone camera, simulated: a canvas drawn `fps` times a second and captured as a video
 * track, plus a WebAudio test tone. Every frame carries the device's name, a big label,
 * something that moves (so the encoder has work to do) and the machine-readable frame stamp
 * (common/media/frame-stamp.ts) with the time it was drawn and which device drew it.
 */
export interface CameraFeed {
  readonly stream: MediaStream;
  /** Frames drawn so far. */
  frames(): number;
  /** Resolves once the first frame is drawn. */
  readonly started: Promise<void>;
  stop(): void;
}

export interface CameraOptions {
  readonly device: Device;
  readonly label: string;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly toneHz: number;
}

const DEVICE_NAMES: Record<Device, string> = { main: '主机位 MAIN', side: '辅机位 SIDE' };
const BACKGROUNDS: Record<Device, string> = { main: '#1d3557', side: '#2d6a4f' };

export function startCameraFeed(canvas: HTMLCanvasElement, options: CameraOptions): CameraFeed {
  const { width, height, fps } = options;
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d', { alpha: false });
  if (!context) throw new Error('this browser has no 2D canvas');
  const video = canvas.captureStream(fps);
  const tone = startTone(options.toneHz);
  const stream = new MediaStream([...video.getVideoTracks(), ...(tone ? [tone.track] : [])]);

  let frames = 0;
  let markStarted: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    markStarted = resolve;
  });
  const draw = () => {
    drawFrame(context, options, frames, Date.now());
    frames++;
    if (frames === 1) markStarted();
  };
  draw();
  // A timer, not requestAnimationFrame: a page in a background tab stops animation frames,
  // and a candidate's phone keeps filming when nobody looks at its screen.
  const timer = setInterval(draw, 1000 / fps);
  return {
    stream,
    frames: () => frames,
    started,
    stop: () => {
      clearInterval(timer);
      for (const track of stream.getTracks()) track.stop();
      tone?.stop();
    },
  };
}

function drawFrame(context: CanvasRenderingContext2D, options: CameraOptions, frame: number, now: number): void {
  const { width, height, device, fps } = options;
  context.fillStyle = BACKGROUNDS[device];
  context.fillRect(0, 0, width, height);

  const { bandHeight } = stampLayout(width, height);
  const below = height - bandHeight;
  // Motion: a disc that circles the picture once every four seconds.
  const angle = (frame / (fps * 4)) * 2 * Math.PI;
  const radius = Math.min(width, below) / 8;
  context.fillStyle = '#f4a261';
  context.beginPath();
  context.arc(width / 2 + Math.cos(angle) * width * 0.3, bandHeight + below / 2 + Math.sin(angle) * below * 0.3, radius, 0, 2 * Math.PI);
  context.fill();

  const unit = Math.max(12, Math.round(height / 14));
  context.fillStyle = '#ffffff';
  context.textBaseline = 'top';
  context.font = `bold ${unit * 2}px system-ui, sans-serif`;
  context.fillText(options.label, unit, bandHeight + unit);
  context.font = `${unit}px system-ui, sans-serif`;
  context.fillText(DEVICE_NAMES[device], unit, bandHeight + unit * 3.5);
  context.fillText(`${new Date(now).toISOString().slice(11, 23)} · #${frame}`, unit, height - unit * 1.8);

  paintFrameStamp(width, height, { timeMs: now, counter: frame, tag: STAMP_TAGS[device] }, (x, y, w, h, white) => {
    context.fillStyle = white ? '#ffffff' : '#000000';
    context.fillRect(x, y, w, h);
  });
}

/**
 * A steady sine at `hz` as an audio track. Browsers start an AudioContext suspended until the
 * user interacts with the page; the tone then starts on the first click, silence until then.
 */
function startTone(hz: number): { track: MediaStreamTrack; stop(): void } | null {
  const audio = new AudioContext();
  const oscillator = audio.createOscillator();
  oscillator.frequency.value = hz;
  const gain = audio.createGain();
  gain.gain.value = 0.2;
  const destination = audio.createMediaStreamDestination();
  oscillator.connect(gain).connect(destination);
  oscillator.start();
  const track = destination.stream.getAudioTracks()[0];
  if (!track) return null;
  const resume = () => void audio.resume();
  resume();
  window.addEventListener('pointerdown', resume);
  return {
    track,
    stop: () => {
      window.removeEventListener('pointerdown', resume);
      oscillator.stop();
      void audio.close();
    },
  };
}
