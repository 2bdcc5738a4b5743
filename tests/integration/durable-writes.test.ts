import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVIDENCE_DIR } from '../../main/evidence';
import { MEDIA_CACHE_DIR } from '../../main/recording-cache/cache-folder';
import { startPlatform, type RunningPlatform } from '../../platform/server';
import { liveWebmStream } from '../support/evidence-fixtures';

/**
 * A finished evidence recording and a ready download must survive a power cut at any moment:
 * each file's bytes reach the disk before it takes its final name, the name before the row that
 * says "finished" or "ready", and the grown evidence file is deleted only after that row. A power
 * cut cannot be staged in a test, so this watches the real system calls of a workstation doing
 * both (strace, in a process of its own) and checks their order. Skipped where strace is missing
 * or may not trace.
 */

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CHILD = join(ROOT, 'tests/support/durable-writes-child.ts');

const traceRefusal = (() => {
  const probe = spawnSync('strace', ['-f', '-qq', '-e', 'trace=fsync', '-o', '/dev/null', 'true'], { encoding: 'utf8' });
  if (probe.error) return `strace is not installed: ${probe.error.message}`;
  return probe.status === 0 ? null : `strace cannot trace here: ${probe.stderr.trim()}`;
})();

type Call = { readonly kind: 'sync'; readonly path: string } | { readonly kind: 'rename'; readonly from: string; readonly to: string } | { readonly kind: 'unlink'; readonly path: string };

const FD = String.raw`(?:AT_FDCWD|\d+(?:<[^>]*>)?)`;
const PATTERNS: [RegExp, (match: RegExpExecArray) => Call][] = [
  [/^\d+\s+f(?:data)?sync\(\d+<([^>]*)>/, (m) => ({ kind: 'sync', path: m[1] ?? '' })],
  [/^\d+\s+rename\("([^"]*)", "([^"]*)"/, (m) => ({ kind: 'rename', from: m[1] ?? '', to: m[2] ?? '' })],
  [new RegExp(String.raw`^\d+\s+renameat2?\(${FD}, "([^"]*)", ${FD}, "([^"]*)"`), (m) => ({ kind: 'rename', from: m[1] ?? '', to: m[2] ?? '' })],
  [/^\d+\s+unlink\("([^"]*)"/, (m) => ({ kind: 'unlink', path: m[1] ?? '' })],
  [new RegExp(String.raw`^\d+\s+unlinkat\(${FD}, "([^"]*)"`), (m) => ({ kind: 'unlink', path: m[1] ?? '' })],
];

/** The calls strace saw, in the order they were made (a call split by another thread's is counted where it began). */
function parseTrace(text: string): Call[] {
  const calls: Call[] = [];
  for (const line of text.split('\n')) {
    for (const [pattern, make] of PATTERNS) {
      const match = pattern.exec(line);
      if (match) {
        calls.push(make(match));
        break;
      }
    }
  }
  return calls;
}

const syncOf = (path: string) => (call: Call) => call.kind === 'sync' && call.path === path;
const isWalSync = (call: Call) => call.kind === 'sync' && call.path.endsWith('-wal');

/** The index of the first call from `after` on that matches, or -1. */
function indexFrom(calls: readonly Call[], after: number, match: (call: Call) => boolean): number {
  const found = calls.slice(after).findIndex(match);
  return found === -1 ? -1 : after + found;
}

let platform: RunningPlatform;
let platformDir: string;

beforeAll(async () => {
  platformDir = mkdtempSync(join(tmpdir(), 'durable-platform-'));
  platform = await startPlatform({ dataDir: platformDir, demo: { liveCandidates: 1, recordedPerSlot: 1 }, demoMedia: { seconds: 2, longSeconds: 3 } });
}, 120_000);
afterAll(async () => {
  await platform?.close();
  if (platformDir) rmSync(platformDir, { recursive: true, force: true });
});

describe('what a power cut could cost, seen in the system calls', () => {
  it('syncs a finished evidence file and a downloaded recording before naming them, and names them before their rows; the grown evidence file goes last', async (context) => {
    if (traceRefusal) return context.skip(traceRefusal);
    const dataDir = mkdtempSync(join(tmpdir(), 'durable-ws-'));
    try {
      const streamFile = join(dataDir, 'stream.webm');
      writeFileSync(streamFile, liveWebmStream(3));
      const traceFile = join(dataDir, 'trace.log');
      const child = spawn(
        'strace',
        ['-f', '-y', '-qq', '-e', 'trace=fsync,fdatasync,rename,renameat,renameat2,unlink,unlinkat', '-o', traceFile, process.execPath, '--import', 'tsx', CHILD, platform.url, dataDir, streamFile],
        { cwd: ROOT, env: { ...process.env, TSX_TSCONFIG_PATH: join(ROOT, 'tsconfig.tests.json') }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
      child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
      const [code] = (await once(child, 'close')) as [number | null];
      expect(code, stderr).toBe(0);
      const recordingId = /^evidence (\S+)$/m.exec(stdout)?.[1] ?? '';
      expect(recordingId).not.toBe('');
      const calls = parseTrace(readFileSync(traceFile, 'utf8'));

      // Evidence: remuxed file synced → renamed to its final name → folder synced → the row
      // committed (the WAL synced) → only then the grown file deleted.
      const evidenceDir = join(dataDir, EVIDENCE_DIR);
      const remuxed = join(evidenceDir, `${recordingId}.remux.webm`);
      const final = join(evidenceDir, `${recordingId}.webm`);
      const grown = join(evidenceDir, `${recordingId}.part.webm`);
      const synced = calls.findIndex(syncOf(remuxed));
      const renamed = calls.findIndex((call) => call.kind === 'rename' && call.from === remuxed && call.to === final);
      const folderSynced = indexFrom(calls, renamed + 1, syncOf(evidenceDir));
      const committed = indexFrom(calls, folderSynced + 1, isWalSync);
      const deleted = calls.findIndex((call) => call.kind === 'unlink' && call.path === grown);
      expect(synced, 'the remuxed file is synced').toBeGreaterThanOrEqual(0);
      expect(renamed, 'the remuxed file is renamed after its sync').toBeGreaterThan(synced);
      expect(folderSynced, 'the folder is synced after the rename').toBeGreaterThan(renamed);
      expect(committed, 'the row is committed after the folder is synced').toBeGreaterThan(folderSynced);
      expect(deleted, 'the grown file is deleted after the row is committed').toBeGreaterThan(committed);

      // Downloads: each recording's file synced → renamed from .partial → folder synced → ready committed.
      const recordingsDir = join(dataDir, MEDIA_CACHE_DIR, 'recordings');
      const renames = calls.flatMap((call, index) => (call.kind === 'rename' && call.from.startsWith(`${recordingsDir}/`) && call.from.endsWith('.partial') ? [{ call, index }] : []));
      expect(renames).toHaveLength(2);
      for (const { call, index } of renames) {
        if (call.kind !== 'rename') continue;
        const fileSynced = calls.slice(0, index).findLastIndex(syncOf(call.from));
        const dirSynced = indexFrom(calls, index + 1, syncOf(recordingsDir));
        const ready = indexFrom(calls, dirSynced + 1, isWalSync);
        expect(fileSynced, `${call.from} is synced before its rename`).toBeGreaterThanOrEqual(0);
        expect(dirSynced, 'the folder is synced after the rename').toBeGreaterThan(index);
        expect(ready, 'the ready row is committed after the folder is synced').toBeGreaterThan(dirSynced);
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
