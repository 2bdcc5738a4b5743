export interface PlayabilityInput {
  /** ffprobe's format_name, e.g. "mov,mp4,m4a,3gp,3g2,mj2" or "matroska,webm". */
  readonly container: string;
  readonly videoCodec: string;
  readonly profile: string | null;
  readonly pixelFormat: string | null;
  readonly audioCodec: string | null;
}

export type Playability = { readonly playable: true } | { readonly playable: false; readonly reason: string };

const MP4_VIDEO = new Set(['h264', 'vp9', 'av1']);
const MP4_AUDIO = new Set(['aac', 'mp3', 'opus', 'flac']);
const WEBM_VIDEO = new Set(['vp8', 'vp9', 'av1']);
const WEBM_AUDIO = new Set(['opus', 'vorbis']);
/** Chromium's software H.264 decoder takes 8-bit 4:2:0 only; phones' 10-bit and 4:2:2 modes need a proxy. */
const H264_PIXEL_FORMATS = new Set(['yuv420p', 'yuvj420p']);

/**
 * Whether Chromium (Electron, or the browser of the browser host) plays a recording as it is.
 * Conservative on purpose: HEVC plays only where the OS lends a hardware decoder, so an iPhone's
 * HEVC recording always gets a proxy rather than a black player on some examiner's machine.
 */
export function chromiumPlayability(input: PlayabilityInput): Playability {
  const formats = input.container.split(',');
  const mp4 = formats.includes('mp4') || formats.includes('mov');
  const webm = formats.includes('webm');
  if (!mp4 && !webm) return { playable: false, reason: `the ${input.container} container is not played by Chromium` };
  const videoCodecs = mp4 ? MP4_VIDEO : WEBM_VIDEO;
  const audioCodecs = mp4 ? MP4_AUDIO : WEBM_AUDIO;
  if (!videoCodecs.has(input.videoCodec)) {
    return { playable: false, reason: `${input.videoCodec.toUpperCase()} video is not played by Chromium on every machine` };
  }
  if (input.videoCodec === 'h264') {
    if (input.pixelFormat !== null && !H264_PIXEL_FORMATS.has(input.pixelFormat)) {
      return { playable: false, reason: `H.264 in ${input.pixelFormat} is not played by Chromium` };
    }
    if (input.profile !== null && /High 10|4:2:2|4:4:4/i.test(input.profile)) {
      return { playable: false, reason: `the H.264 ${input.profile} profile is not played by Chromium` };
    }
  }
  if (input.audioCodec !== null && !audioCodecs.has(input.audioCodec)) {
    return { playable: false, reason: `${input.audioCodec} audio is not played by Chromium` };
  }
  return { playable: true };
}
