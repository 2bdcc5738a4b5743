import { spawnSync } from 'node:child_process';
import { EVIDENCE_LIMITS } from '@common/contract';

/**
 * A live WebM stream like MediaRecorder's: VP8 + Opus muxed to a pipe, so the muxer cannot go
 * back to write a duration or cues, exactly what the renderer streams to main chunk by chunk.
 */
export function liveWebmStream(seconds: number, size = '320x240'): Buffer {
  const result = spawnSync(
    process.env.FFMPEG_PATH ?? 'ffmpeg',
    [
      '-hide_banner', '-loglevel', 'error', '-nostdin',
      '-f', 'lavfi', '-i', `testsrc=size=${size}:rate=30`,
      '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
      '-t', String(seconds),
      '-c:v', 'libvpx', '-deadline', 'realtime', '-b:v', '400k', '-g', '30',
      '-c:a', 'libopus', '-b:a', '48k',
      '-f', 'webm', 'pipe:1',
    ],
    { maxBuffer: 256 * 1024 * 1024 },
  );
  if (result.status !== 0) throw new Error(`ffmpeg could not make a test stream: ${result.stderr.toString()}`);
  return result.stdout;
}

/** The stream cut as the renderer cuts it: pieces of at most the contract's chunk size. */
export function evidenceChunks(stream: Buffer, size: number = EVIDENCE_LIMITS.maxChunkBytes): Buffer[] {
  const chunks: Buffer[] = [];
  for (let at = 0; at < stream.byteLength; at += size) chunks.push(stream.subarray(at, at + size));
  return chunks;
}

/** The Matroska Cues element's id: a file with it has a seek index. */
export const MATROSKA_CUES_ID = Buffer.from([0x1c, 0x53, 0xbb, 0x6b]);

export interface ProbedFile {
  readonly durationMs: number;
  readonly streams: { codec_type: string; codec_name: string; width?: number; height?: number }[];
}

/** ffprobe of a file, straight from the binary (not through the code under test). */
export function ffprobe(file: string): ProbedFile {
  const result = spawnSync(
    process.env.FFPROBE_PATH ?? 'ffprobe',
    ['-v', 'error', '-show_entries', 'format=duration:stream=codec_type,codec_name,width,height', '-of', 'json', file],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`ffprobe refused ${file}: ${result.stderr}`);
  const json = JSON.parse(result.stdout) as { format: { duration?: string }; streams: ProbedFile['streams'] };
  return { durationMs: Math.round(Number(json.format.duration) * 1000), streams: json.streams };
}

/** Decodes one video frame at `seconds` after a seek; true when ffmpeg could. */
export function decodesAfterSeek(file: string, seconds: number): boolean {
  const result = spawnSync(
    process.env.FFMPEG_PATH ?? 'ffmpeg',
    ['-hide_banner', '-loglevel', 'error', '-nostdin', '-ss', String(seconds), '-i', file, '-frames:v', '1', '-f', 'null', '-'],
    { encoding: 'utf8' },
  );
  return result.status === 0 && result.stderr.trim() === '';
}
