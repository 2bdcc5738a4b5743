import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ContractFailure, MEDIA_FAILURE_CODES, type MediaFailureKind } from '@common/contract';
import { FfmpegNotFoundError } from '../../../node-shared/media/binaries';
import { classifyFfmpegFailure, describeFailure, MediaAbort, MediaJobError, readTruncatedInput } from '../../../node-shared/media/failures';
import { failureOf } from '../../../main/media/failures';

const stderrOf = (name: string) => readFileSync(new URL(`fixtures/${name}`, import.meta.url), 'utf8');

describe('classifyFfmpegFailure on stderr captured from real failing runs (fixtures/capture.sh)', () => {
  it.each<[string, string, MediaFailureKind]>([
    ['a zero-length file', 'probe-empty.txt', 'corrupt_input'],
    ['a text file named .mp4 (not a video)', 'probe-not-video.txt', 'corrupt_input'],
    ['a download cut before its index (moov at the end)', 'probe-truncated-index.txt', 'corrupt_input'],
    ['a codec ffmpeg has no decoder for', 'strip-unknown-codec.txt', 'unsupported'],
    ['a full disk', 'export-no-space.txt', 'out_of_space'],
    ['a file cut short after its index', 'waveform-truncated.txt', 'corrupt_input'],
  ])('%s is %s', (_label, fixture, kind) => {
    expect(classifyFfmpegFailure({ exitCode: 1, signal: null, stderr: stderrOf(fixture), aborted: null })).toBe(kind);
  });

  it('says "cancelled" or "timed out" for a run we stopped, whatever ffmpeg wrote meanwhile', () => {
    const stderr = stderrOf('export-no-space.txt');
    expect(classifyFfmpegFailure({ exitCode: null, signal: 'SIGKILL', stderr, aborted: 'cancelled' })).toBe('cancelled');
    expect(classifyFfmpegFailure({ exitCode: null, signal: 'SIGKILL', stderr, aborted: 'timed_out' })).toBe('timed_out');
  });

  it('falls back to "failed" when stderr names no known cause', () => {
    expect(classifyFfmpegFailure({ exitCode: 1, signal: null, stderr: 'Error initializing filter select', aborted: null })).toBe('failed');
    expect(classifyFfmpegFailure({ exitCode: null, signal: 'SIGSEGV', stderr: '', aborted: null })).toBe('failed');
  });

  it('spots a truncated input in a run that exited 0, and only there', () => {
    expect(readTruncatedInput(stderrOf('waveform-truncated.txt'))).toBe(true);
    expect(readTruncatedInput(stderrOf('progress-pipe.txt'))).toBe(false);
  });

  it("describes a failure by its kind and ffmpeg's last telling line, without the log prefix or progress lines", () => {
    const message = describeFailure('corrupt_input', `${stderrOf('probe-empty.txt')}progress=end\n`);
    expect(message).toMatch(/^ffmpeg cannot read the recording/);
    expect(message).toContain('(empty.mp4: Invalid data found when processing input)');
    expect(describeFailure('unsupported', stderrOf('strip-unknown-codec.txt'))).toContain('Decoder (codec none) not found');
    expect(describeFailure('failed', '')).toBe('ffmpeg failed');
  });
});

describe('failureOf: every error a job can throw becomes a failure the renderer can localise', () => {
  it.each<[string, unknown, { kind: MediaFailureKind; code: string }]>([
    ['a sorted job error', new MediaJobError('unsupported', 'HEVC 4:4:4'), { kind: 'unsupported', code: 'media_unsupported' }],
    ['a cancel', new MediaAbort('cancelled'), { kind: 'cancelled', code: 'media_cancelled' }],
    ['a timeout', new MediaAbort('timed_out'), { kind: 'timed_out', code: 'media_timed_out' }],
    ['ENOSPC from Node', Object.assign(new Error('write ENOSPC'), { code: 'ENOSPC' }), { kind: 'out_of_space', code: 'disk_full' }],
    ['no ffmpeg', new FfmpegNotFoundError('ffmpeg', ['ffmpeg on PATH']), { kind: 'failed', code: 'ffmpeg_missing' }],
    ['a contract failure', new ContractFailure('not_downloaded', 'download it first'), { kind: 'failed', code: 'not_downloaded' }],
    ['anything else', new TypeError('x is undefined'), { kind: 'failed', code: 'media_failed' }],
  ])('%s', (_label, error, expected) => {
    expect(failureOf(error)).toMatchObject(expected);
  });

  it('maps each kind to its own contract code', () => {
    expect(new Set(Object.values(MEDIA_FAILURE_CODES)).size).toBe(Object.keys(MEDIA_FAILURE_CODES).length);
  });
});
