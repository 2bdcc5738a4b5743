import { describe, expect, it } from 'vitest';
import type { MediaProbe, RecordingArtefacts, RecordingDownload } from '@common/contract';
import { angleSource, evidenceSource, mediaUrl } from '../../../renderer/src/review/player/angle-source';

const MEDIA = 'm0123456789abcdef01234567';
const PROXY = 'mfedcba9876543210fedcba98';
const download = (over: Partial<RecordingDownload> = {}): RecordingDownload => ({
  recordingId: 'rec-1',
  angle: 'main',
  state: 'ready',
  bytesDone: 1000,
  bytes: 1000,
  mediaId: MEDIA,
  error: null,
  ...over,
});
const probe: MediaProbe = {
  durationMs: 20_000,
  container: 'mov,mp4',
  video: { codec: 'h264', width: 640, height: 360, displayWidth: 640, displayHeight: 360, rotation: 0, frameRate: 30, variableFrameRate: false },
  audio: { codec: 'aac', sampleRate: 48_000, channels: 1 },
  playableInChromium: true,
};
const pending = { state: 'pending', jobId: null, progress: null } as const;
const artefacts = (over: Partial<RecordingArtefacts> = {}): RecordingArtefacts => ({
  recordingId: 'rec-1',
  probe: { state: 'ready', value: probe },
  strip: pending,
  waveform: pending,
  playback: { state: 'ready', value: { kind: 'original', mediaId: MEDIA } },
  ...over,
});

describe('what the player shows of one angle', () => {
  it('says nothing was recorded, or how far the download is', () => {
    expect(angleSource(undefined, undefined, undefined)).toEqual({ kind: 'absent' });
    expect(angleSource(download({ state: 'none', bytesDone: 0, mediaId: null }), undefined, undefined)).toEqual({ kind: 'not_downloaded', state: 'none', fraction: 0 });
    expect(angleSource(download({ state: 'downloading', bytesDone: 250, mediaId: null }), undefined, undefined)).toEqual({ kind: 'not_downloaded', state: 'downloading', fraction: 0.25 });
    expect(angleSource(download({ state: 'failed', mediaId: null, error: { code: 'recording_corrupt', message: 'sha256' } }), undefined, undefined)).toEqual({
      kind: 'download_failed',
      code: 'recording_corrupt',
    });
  });

  it('plays the download provisionally until the probe has spoken, then the file it names (the proxy for HEVC)', () => {
    const provisional = { kind: 'ready', mediaId: MEDIA, probe: null, provisional: true, strip: { state: 'pending' }, waveform: { state: 'pending' } };
    expect(angleSource(download(), undefined, undefined)).toEqual(provisional);
    expect(angleSource(download(), artefacts({ probe: pending, playback: pending }), undefined)).toEqual(provisional);
    expect(angleSource(download(), artefacts(), undefined)).toMatchObject({ kind: 'ready', mediaId: MEDIA, probe, provisional: false });
    // Probed and not playable: the original is no longer offered while the proxy is made.
    expect(angleSource(download(), artefacts({ playback: { state: 'pending', jobId: 'j0123456789abcdef', progress: 0.4 } }), undefined)).toEqual({ kind: 'preparing', progress: 0.4 });
    const proxied = angleSource(download(), artefacts({ playback: { state: 'ready', value: { kind: 'proxy', mediaId: PROXY, reason: 'hevc' } } }), undefined);
    expect(proxied).toMatchObject({ kind: 'ready', mediaId: PROXY, strip: { state: 'pending' }, waveform: { state: 'pending' } });
  });

  it('names why a downloaded recording cannot be played', () => {
    const corrupt = { kind: 'corrupt_input', code: 'media_corrupt_input', message: 'moov atom not found' } as const;
    expect(angleSource(download(), artefacts({ probe: { state: 'failed', error: corrupt } }), undefined)).toEqual({ kind: 'failed', code: 'media_corrupt_input' });
    expect(angleSource(download(), artefacts({ probe: { state: 'ready', value: { ...probe, video: null } } }), undefined)).toEqual({ kind: 'failed', code: 'media_unsupported' });
    expect(angleSource(download(), undefined, { code: 'ffmpeg_missing', message: 'no ffmpeg' })).toEqual({ kind: 'failed', code: 'ffmpeg_missing' });
  });

  it('passes on the strip and waveform as they arrive or fail', () => {
    const strip = { mediaId: PROXY, tileWidth: 160, tileHeight: 90, columns: 10, rows: 1, tileTimesMs: [0, 2000] };
    const source = angleSource(
      download(),
      artefacts({ strip: { state: 'ready', value: strip }, waveform: { state: 'failed', error: { kind: 'timed_out', code: 'media_timed_out', message: 'slow' } } }),
      undefined,
    );
    expect(source).toMatchObject({ kind: 'ready', strip: { state: 'ready', value: strip }, waveform: { state: 'failed', code: 'media_timed_out' } });
  });

  it('plays a finished evidence recording as it is, and says why a failed one is not played', () => {
    expect(evidenceSource({ mediaId: MEDIA, state: 'finished', error: null })).toEqual({
      kind: 'ready',
      mediaId: MEDIA,
      probe: null,
      provisional: false,
      strip: { state: 'none' },
      waveform: { state: 'none' },
    });
    expect(evidenceSource({ mediaId: null, state: 'recording', error: null })).toEqual({ kind: 'preparing', progress: null });
    expect(evidenceSource({ mediaId: null, state: 'failed', error: { code: 'evidence_damaged', message: 'the finished file is 10 bytes on disk; it was 20 when finished' } })).toEqual({
      kind: 'failed',
      code: 'evidence_damaged',
    });
    expect(evidenceSource({ mediaId: null, state: 'failed', error: null })).toEqual({ kind: 'failed', code: 'media_failed' });
  });

  it('asks for files by media id under /media/', () => {
    expect(mediaUrl(MEDIA)).toBe(`/media/${MEDIA}`);
  });
});
