import type { ContractError, DownloadState, ErrorCode, EvidenceRecording, MediaProbe, RecordingArtefacts, RecordingDownload, ThumbnailStrip, Waveform } from '@common/contract';

/** What the scrubber can show of one part of a recording while it is being made (none: not made for this kind of recording). */
export type PartState<T> = { readonly state: 'none' } | { readonly state: 'pending' } | { readonly state: 'ready'; readonly value: T } | { readonly state: 'failed'; readonly code: ErrorCode };

/**
 * Where one angle stands for the player: nothing recorded, not downloaded yet, download failed,
 * being prepared, unplayable (with why), or playable by media id.
 */
export type AngleSource =
  | { readonly kind: 'absent' }
  | { readonly kind: 'not_downloaded'; readonly state: DownloadState; readonly fraction: number | null }
  | { readonly kind: 'download_failed'; readonly code: ErrorCode }
  | { readonly kind: 'preparing'; readonly progress: number | null }
  | { readonly kind: 'failed'; readonly code: ErrorCode }
  | {
      readonly kind: 'ready';
      readonly mediaId: string;
      /** Null when unknown (not probed yet; evidence recordings are not probed here). */
      readonly probe: MediaProbe | null;
      /**
       * Playing the downloaded file before the probe has said Chromium can: most phone
       * recordings are H.264, so the first frame need not wait for ffprobe. Should the browser
       * refuse it, the angle waits for the probe (and a proxy) instead of reporting a failure.
       */
      readonly provisional: boolean;
      readonly strip: PartState<ThumbnailStrip>;
      readonly waveform: PartState<Waveform>;
    };

function part<T>(slot: RecordingArtefacts['strip'] | RecordingArtefacts['waveform'] | RecordingArtefacts['probe']): PartState<T> {
  if (slot.state === 'ready') return { state: 'ready', value: slot.value as T };
  if (slot.state === 'failed') return { state: 'failed', code: slot.error.code };
  return { state: 'pending' };
}

/** One downloaded-or-not recording, with what ffmpeg made of it so far. */
export function angleSource(download: RecordingDownload | undefined, artefacts: RecordingArtefacts | undefined, prepareError: ContractError | undefined): AngleSource {
  if (!download) return { kind: 'absent' };
  if (download.state === 'failed') return { kind: 'download_failed', code: download.error?.code ?? 'internal' };
  if (download.state !== 'ready' || download.mediaId === null) {
    return { kind: 'not_downloaded', state: download.state, fraction: download.bytes > 0 ? download.bytesDone / download.bytes : null };
  }
  if (prepareError) return { kind: 'failed', code: prepareError.code };
  const original = download.mediaId;
  const provisional = (artefacts?: RecordingArtefacts): AngleSource => ({
    kind: 'ready',
    mediaId: original,
    probe: null,
    provisional: true,
    strip: artefacts ? part<ThumbnailStrip>(artefacts.strip) : { state: 'pending' },
    waveform: artefacts ? part<Waveform>(artefacts.waveform) : { state: 'pending' },
  });
  if (!artefacts) return provisional();
  const { probe, playback } = artefacts;
  if (probe.state === 'failed') return { kind: 'failed', code: probe.error.code };
  if (probe.state === 'pending') return provisional(artefacts);
  if (playback.state === 'failed') return { kind: 'failed', code: playback.error.code };
  if (probe.state === 'ready' && probe.value.video === null) return { kind: 'failed', code: 'media_unsupported' };
  if (playback.state !== 'ready' || probe.state !== 'ready') {
    return { kind: 'preparing', progress: playback.state === 'pending' ? playback.progress : null };
  }
  return {
    kind: 'ready',
    mediaId: playback.value.mediaId,
    probe: probe.value,
    provisional: false,
    strip: part<ThumbnailStrip>(artefacts.strip),
    waveform: part<Waveform>(artefacts.waveform),
  };
}

/** A finished evidence recording of a live interview: played as it is, without strip or waveform; a failed one says why. */
export function evidenceSource(recording: Pick<EvidenceRecording, 'mediaId' | 'state' | 'error'>): AngleSource {
  const { mediaId, state } = recording;
  if (state === 'failed') return { kind: 'failed', code: recording.error?.code ?? 'media_failed' };
  if (mediaId === null || state !== 'finished') return { kind: 'preparing', progress: null };
  return { kind: 'ready', mediaId, probe: null, provisional: false, strip: { state: 'none' }, waveform: { state: 'none' } };
}

/** The URL the page asks for a file by: the same path under the browser host and app://workstation. */
export function mediaUrl(mediaId: string): string {
  return `/media/${encodeURIComponent(mediaId)}`;
}
