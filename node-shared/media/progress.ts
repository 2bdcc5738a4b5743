/**
 * What one line of ffmpeg's stderr says about how far a run is. Pure, and tested against lines
 * captured from real ffmpeg runs (tests/unit/media/fixtures): both the classic stats line
 *
 *   frame=  143 fps=0.0 q=29.0 size=     256kB time=00:00:04.77 bitrate= 438.9kbits/s speed=9.49x
 *
 * and the key=value blocks of `-progress pipe:2` (out_time_us=…, speed=…, progress=end).
 */
export interface FfmpegProgressUpdate {
  /** Output time reached, in seconds. */
  readonly timeSeconds?: number;
  /** Frames written so far. */
  readonly frame?: number;
  /** × real time. */
  readonly speed?: number;
  /** `progress=end`: the run wrote its last block. */
  readonly end?: true;
}

const CLASSIC_TIME = /\btime=\s*(-?[\d:.]+)/;
const CLASSIC_FRAME = /\bframe=\s*(\d+)/;
const CLASSIC_SPEED = /\bspeed=\s*([\d.]+)x/;
const KEY_VALUE = /^([a-z_0-9]+)=\s*(.*?)\s*$/;

export function parseFfmpegProgressLine(raw: string): FfmpegProgressUpdate | null {
  const line = raw.trim();
  if (line === '') return null;
  // The classic stats line holds several pairs on one line, and always starts with frame= or size=.
  if (/^(frame|size)=\s*\S+\s+\S+=/.test(line)) return parseClassic(line);

  const pair = KEY_VALUE.exec(line);
  if (!pair) return null;
  const [, key, value = ''] = pair;
  switch (key) {
    // out_time_ms is in microseconds too: a long-standing misnomer ffmpeg keeps for compatibility.
    case 'out_time_us':
    case 'out_time_ms': {
      const micros = Number(value);
      return Number.isFinite(micros) && micros >= 0 && value !== '' ? { timeSeconds: micros / 1e6 } : null;
    }
    case 'out_time': {
      const seconds = parseClock(value);
      return seconds === null ? null : { timeSeconds: seconds };
    }
    case 'frame': {
      const frame = Number(value);
      return Number.isInteger(frame) && frame >= 0 && value !== '' ? { frame } : null;
    }
    case 'speed': {
      const speed = parseSpeed(value);
      return speed === null ? null : { speed };
    }
    case 'progress':
      return value === 'end' ? { end: true } : null;
    default:
      return null;
  }
}

function parseClassic(line: string): FfmpegProgressUpdate | null {
  const update: { timeSeconds?: number; frame?: number; speed?: number } = {};
  const time = CLASSIC_TIME.exec(line)?.[1];
  const seconds = time === undefined ? null : parseClock(time);
  if (seconds !== null) update.timeSeconds = seconds;
  const frame = CLASSIC_FRAME.exec(line)?.[1];
  if (frame !== undefined) update.frame = Number(frame);
  const speed = CLASSIC_SPEED.exec(line)?.[1];
  if (speed !== undefined && Number.isFinite(Number(speed))) update.speed = Number(speed);
  return Object.keys(update).length > 0 ? update : null;
}

/** `HH:MM:SS.frac` (hours may exceed 24); null for N/A and for the negative times ffmpeg prints before the first packet. */
export function parseClock(value: string): number | null {
  const match = /^(\d+):([0-5]?\d):([0-5]?\d(?:\.\d+)?)$/.exec(value.trim());
  if (!match) return null;
  const [, hours = '0', minutes = '0', seconds = '0'] = match;
  return Number(hours) * 3600 + Number(minutes) * 60 + Number(seconds);
}

function parseSpeed(value: string): number | null {
  const match = /^([\d.]+)x$/.exec(value.trim());
  if (!match?.[1]) return null;
  const speed = Number(match[1]);
  return Number.isFinite(speed) ? speed : null;
}

/** How far a run is, 0..1, from the output time it reached and the input's duration. */
export function progressFraction(timeSeconds: number, durationMs: number): number {
  if (!(durationMs > 0)) return 0;
  return Math.min(1, Math.max(0, (timeSeconds * 1000) / durationMs));
}
