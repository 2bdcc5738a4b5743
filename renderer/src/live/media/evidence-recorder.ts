import { EVIDENCE_LIMITS, type ErrorCode, type EvidenceRecording, type ExaminerApi } from '@common/contract';
import type { Device } from '@common/platform';

export type RecorderState = 'starting' | 'recording' | 'stopping' | 'finished' | 'failed';

export interface RecorderStatus {
  readonly state: RecorderState;
  readonly recordingId: string | null;
  /** Bytes main acknowledged (synced to disk). */
  readonly savedBytes: number;
  /** How long MediaRecorder has run (until it stopped). */
  readonly elapsedMs: number;
  readonly result: EvidenceRecording | null;
  /** Why it failed; null unless failed. */
  readonly error: ErrorCode | null;
}

/** MediaRecorder hands over a blob this often: a crash loses at most about this much. */
export const TIMESLICE_MS = 1000;
/** With no frame for this long the recording shows a "no picture" card instead of standing still. */
const NO_PICTURE_AFTER_MS = 1000;
const DEFAULT_SIZE = { width: 1280, height: 720 } as const;

/**
 * Evidence recording of one feed. MediaRecorder records a canvas the feed's frames are painted
 * into, plus the feed's sound from the interview's audio graph, rather than the remote stream
 * itself: a reconnect replaces the remote tracks, which would end a recording of them, while
 * the canvas and the audio destination outlive it (the outage shows as a "no picture" card).
 * Every second's WebM goes to main in chunks of at most EVIDENCE_LIMITS.maxChunkBytes, one after
 * another, each acknowledged once on disk; stop() ends the recording and has main remux it.
 */
export class FeedRecorder {
  #status: RecorderStatus = { state: 'starting', recordingId: null, savedBytes: 0, elapsedMs: 0, result: null, error: null };
  readonly #canvas = document.createElement('canvas');
  readonly #context: CanvasRenderingContext2D;
  #recorder: MediaRecorder | null = null;
  #seq = 0;
  #uploads: Promise<void> = Promise.resolve();
  #startedAt: number | null = null;
  #lastFrameAt = 0;
  #timer: ReturnType<typeof setInterval> | null = null;
  #stopped: Promise<void> | null = null;

  constructor(
    readonly device: Device,
    private readonly invoke: ExaminerApi['invoke'],
    private readonly label: string,
    private readonly onChange: (status: RecorderStatus) => void,
    size: { width: number; height: number } | null,
  ) {
    this.#canvas.width = size?.width || DEFAULT_SIZE.width;
    this.#canvas.height = size?.height || DEFAULT_SIZE.height;
    const context = this.#canvas.getContext('2d', { alpha: false });
    if (!context) throw new Error('this browser has no 2D canvas');
    this.#context = context;
  }

  get status(): RecorderStatus {
    return this.#status;
  }

  async start(assignmentId: string, audio: MediaStreamTrack | null): Promise<void> {
    const started = await this.invoke('evidence.start', { assignmentId, device: this.device, mimeType: 'video/webm' });
    if (!started.ok) return this.#fail(started.error.code);
    this.#paintNoPicture(performance.now());
    const video = this.#canvas.captureStream(30).getVideoTracks();
    const stream = new MediaStream([...video, ...(audio ? [audio] : [])]);
    const mimeType = [audio ? 'video/webm;codecs=vp8,opus' : 'video/webm;codecs=vp8', 'video/webm'].find((type) => MediaRecorder.isTypeSupported(type));
    const recorder = new MediaRecorder(stream, { ...(mimeType && { mimeType }), videoBitsPerSecond: 1_200_000, audioBitsPerSecond: 64_000 });
    this.#recorder = recorder;
    recorder.addEventListener('dataavailable', (event) => {
      if (event.data.size > 0) this.#upload(event.data);
    });
    recorder.addEventListener('start', () => {
      this.#startedAt = performance.now();
      this.#update({ state: 'recording', recordingId: started.value.recordingId });
    });
    recorder.addEventListener('error', () => void this.stop());
    this.#update({ recordingId: started.value.recordingId });
    recorder.start(TIMESLICE_MS);
    this.#timer = setInterval(() => {
      const now = performance.now();
      if (now - this.#lastFrameAt >= NO_PICTURE_AFTER_MS) this.#paintNoPicture(now);
      if (this.#startedAt !== null && this.#status.state === 'recording') this.#update({ elapsedMs: now - this.#startedAt });
    }, 500);
  }

  /** Paints the frame the feed's video element shows now. */
  drawFrame(video: HTMLVideoElement): void {
    if (this.#status.state !== 'recording' && this.#status.state !== 'starting') return;
    const { width, height } = this.#canvas;
    const scale = Math.min(width / (video.videoWidth || width), height / (video.videoHeight || height));
    const w = Math.round((video.videoWidth || width) * scale);
    const h = Math.round((video.videoHeight || height) * scale);
    if (w !== width || h !== height) {
      this.#context.fillStyle = '#000';
      this.#context.fillRect(0, 0, width, height);
    }
    this.#context.drawImage(video, Math.round((width - w) / 2), Math.round((height - h) / 2), w, h);
    this.#lastFrameAt = performance.now();
  }

  /** Ends the recording: the last blob is sent, then main remuxes the file. Safe to call twice. */
  stop(): Promise<void> {
    this.#stopped ??= this.#stop();
    return this.#stopped;
  }

  async #stop(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    const recorder = this.#recorder;
    if (recorder && recorder.state !== 'inactive') {
      // The picture may have stood still (a frozen or absent feed): one last frame makes the
      // video run up to the end, as long as the recording did.
      const now = performance.now();
      if (now - this.#lastFrameAt >= NO_PICTURE_AFTER_MS) this.#paintNoPicture(now);
      this.#update({ state: 'stopping' });
      const ended = new Promise<void>((resolve) => recorder.addEventListener('stop', () => resolve(), { once: true }));
      recorder.stop();
      await ended;
    }
    for (const track of recorder?.stream.getVideoTracks() ?? []) track.stop();
    if (this.#startedAt !== null) this.#update({ elapsedMs: performance.now() - this.#startedAt });
    // The 'stop' event comes after the last 'dataavailable': every upload is queued by now.
    await this.#uploads;
    const recordingId = this.#status.recordingId;
    if (recordingId === null || this.#status.state === 'failed') return;
    const finished = await this.invoke('evidence.finish', { recordingId });
    if (!finished.ok) return this.#fail(finished.error.code);
    this.#update({ state: 'finished', result: finished.value });
  }

  #upload(blob: Blob): void {
    this.#uploads = this.#uploads.then(async () => {
      const recordingId = this.#status.recordingId;
      if (recordingId === null || this.#status.state === 'failed') return;
      const bytes = new Uint8Array(await blob.arrayBuffer());
      for (let at = 0; at < bytes.byteLength; at += EVIDENCE_LIMITS.maxChunkBytes) {
        const piece = bytes.subarray(at, at + EVIDENCE_LIMITS.maxChunkBytes);
        const sent = await this.invoke('evidence.chunk', { recordingId, seq: this.#seq, data: toBase64(piece) });
        // A repeat means main already has it (an answer lost on the way): carry on after it.
        if (!sent.ok && sent.error.code !== 'evidence_chunk_duplicate') {
          this.#fail(sent.error.code);
          this.#recorder?.stop();
          return;
        }
        this.#seq++;
        if (sent.ok) this.#update({ savedBytes: sent.value.bytes });
      }
    });
  }

  #paintNoPicture(now: number): void {
    const { width, height } = this.#canvas;
    const context = this.#context;
    context.fillStyle = '#111827';
    context.fillRect(0, 0, width, height);
    context.fillStyle = '#e5e7eb';
    context.font = `${Math.round(height / 16)}px system-ui, sans-serif`;
    context.textAlign = 'center';
    context.fillText(this.label, width / 2, height / 2);
    context.font = `${Math.round(height / 24)}px system-ui, sans-serif`;
    context.fillText(new Date(performance.timeOrigin + now).toISOString().slice(11, 19), width / 2, height / 2 + height / 12);
  }

  #fail(code: ErrorCode): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    this.#update({ state: 'failed', error: code });
  }

  #update(change: Partial<RecorderStatus>): void {
    this.#status = { ...this.#status, ...change };
    this.onChange(this.#status);
  }
}

/** Base64 of bytes, in slices: String.fromCharCode takes a limited number of arguments. */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let at = 0; at < bytes.byteLength; at += 0x8000) binary += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  return btoa(binary);
}
