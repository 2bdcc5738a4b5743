import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AssignmentRecordings, CommandInput, CommandName, CommandOutput, EventName, EventPayload } from '@common/contract';
import type { Assignment, Exam } from '@common/platform';
import { silentLogger } from '../../main/log';
import { MediaCacheFolder } from '../../main/recording-cache/cache-folder';
import type { MediaStackOptions } from '../../main/media-stack';
import { sql } from '../../main/store/sql';
import { createWorkstation, type Workstation } from '../../main/workstation';
import { faultInjectorOf } from '../../platform/faults';
import { startPlatform, type RunningPlatform } from '../../platform/server';
import { recordingFile, type RecordingRow } from '../../platform/state/recordings';
import { valuesFor } from '../support/workstation';

/**
 * Downloads against the real platform on loopback, with its demo recordings (short clips made by
 * ffmpeg): resume by range after the connection drops, the platform's injected resets, pause and
 * resume, cancel, a restart mid-download, sha256 verification of a tampered file, a full disk,
 * the quota's eviction and the purge after the grading window.
 */
let platform: RunningPlatform;
let platformDir: string;
let recorded: Assignment[];

beforeAll(async () => {
  platformDir = mkdtempSync(join(tmpdir(), 'downloads-platform-'));
  platform = await startPlatform({ dataDir: platformDir, demo: { liveCandidates: 1, recordedPerSlot: 2 }, demoMedia: { seconds: 2, longSeconds: 3 } });
  const ws = open(platform.url);
  try {
    await ws.login();
    recorded = await ws.recorded();
  } finally {
    ws.stop();
  }
}, 120_000);

afterAll(async () => {
  await platform.close();
  rmSync(platformDir, { recursive: true, force: true });
});

afterEach(() => {
  faultInjectorOf(platform.ctx).set(null);
});

interface Opened {
  readonly workstation: Workstation;
  readonly dataDir: string;
  readonly folder: MediaCacheFolder;
  call<N extends CommandName>(name: N, input: CommandInput<N>): Promise<CommandOutput<N>>;
  /** The failure code of a call expected to fail. */
  refusal(name: CommandName, input: unknown): Promise<string>;
  waitFor<N extends EventName>(name: N, match: (payload: EventPayload<N>) => boolean): Promise<EventPayload<N>>;
  /** Every recordings.progress event since the workstation started. */
  readonly progress: AssignmentRecordings[];
  login(): Promise<void>;
  recorded(): Promise<Assignment[]>;
  /** Downloads an assignment and waits until it is ready or failed. */
  download(assignmentId: string): Promise<AssignmentRecordings>;
  stop(): void;
}

/** A real workstation in its own data folder, signed in as grader1 (who grades both recorded slots). */
function open(platformUrl: string, media: MediaStackOptions = {}, dataDir = mkdtempSync(join(tmpdir(), 'downloads-ws-'))): Opened {
  const workstation = createWorkstation({
    host: 'browser',
    config: { platformUrl, dataDir, demo: false },
    log: silentLogger,
    healthIntervalMs: { online: 1_000, offline: 100 },
    sync: { baseDelayMs: 20, maxDelayMs: 200 },
    backupIntervalMs: 3_600_000,
    media: { ...media, downloads: { retry: { baseDelayMs: 5, maxDelayMs: 40, maxAttempts: 30 }, progressIntervalMs: 0, ...media.downloads } },
  });
  const progress: AssignmentRecordings[] = [];
  workstation.events.subscribe((name, payload) => {
    if (name === 'recordings.progress') progress.push(payload as AssignmentRecordings);
  });
  workstation.start();
  const call = async <N extends CommandName>(name: N, input: CommandInput<N>): Promise<CommandOutput<N>> => {
    const result = await workstation.dispatch(name, input, { transport: 'test' });
    if (!result.ok) throw new Error(`${name} failed: ${result.error.code}: ${result.error.message}`);
    return result.value as CommandOutput<N>;
  };
  const waitFor = <N extends EventName>(name: N, match: (payload: EventPayload<N>) => boolean) =>
    new Promise<EventPayload<N>>((resolve) => {
      const off = workstation.events.subscribe((event, payload) => {
        if (event === name && match(payload as EventPayload<N>)) {
          off();
          resolve(payload as EventPayload<N>);
        }
      });
    });
  const isSettled = (state: AssignmentRecordings) => state.recordings.every((recording) => recording.state === 'ready' || recording.state === 'failed');
  const settled = (assignmentId: string) => waitFor('recordings.progress', (state) => state.assignmentId === assignmentId && isSettled(state));
  return {
    workstation,
    dataDir,
    folder: new MediaCacheFolder(dataDir),
    call,
    refusal: async (name, input) => {
      const result = await workstation.dispatch(name, input, { transport: 'test' });
      return result.ok ? 'ok' : result.error.code;
    },
    waitFor,
    progress,
    login: async () => {
      await call('session.login', { username: 'grader1', password: 'demo1234' });
    },
    recorded: async () => (await call('assignments.list', {})).assignments.map((item) => item.assignment).filter((assignment) => assignment.kind === 'recorded'),
    download: async (assignmentId) => {
      const done = settled(assignmentId);
      const state = await call('recordings.download', { assignmentId });
      return isSettled(state) ? state : done;
    },
    stop: () => {
      workstation.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const platformRow = (recordingId: string) => platform.ctx.db.prepare('SELECT * FROM recordings WHERE id = ?').get(recordingId) as RecordingRow;
const platformFile = (recordingId: string) => recordingFile(platform.ctx.mediaDir, platformRow(recordingId)) ?? '';
const bytesOf = (assignment: Assignment) => assignment.recordings.reduce((sum, recording) => sum + recording.bytes, 0);
const cachedFiles = (ws: Opened, dir: 'recordings' | 'artefacts' = 'recordings') => {
  const path = join(ws.folder.root, dir);
  return existsSync(path) ? readdirSync(path) : [];
};

/** The cached file of a ready recording, by its row (the renderer only ever sees the media id). */
function cachedFile(ws: Opened, recordingId: string): string {
  const row = ws.workstation.store.reader.get<{ path: string }>(sql`SELECT path FROM media_recordings WHERE recording_id = ${recordingId} AND state = 'ready'`);
  return ws.folder.resolve(row?.path ?? '') ?? '';
}

/**
 * A loopback HTTP proxy in front of the platform that can drop or hold a recording's response
 * after some bytes, as a network would, and that remembers every request's Range and If-Range.
 */
class FlakyProxy {
  readonly requests: { path: string; range: string | null; ifRange: string | null }[] = [];
  /** Per request to /recordings/…: cut the connection, hold it, or let it through. */
  rule: (request: { path: string; range: string | null }) => { cutAfter: number } | { holdAfter: number; release: Promise<void> } | null = () => null;
  readonly #server: http.Server;
  #url = '';

  constructor(private readonly target: string) {
    this.#server = http.createServer((req, res) => this.#forward(req, res));
  }

  get url(): string {
    return this.#url;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.#url = `http://127.0.0.1:${String((this.#server.address() as AddressInfo).port)}`;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise((resolve) => this.#server.close(resolve));
  }

  #forward(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = req.url ?? '/';
    const range = typeof req.headers.range === 'string' ? req.headers.range : null;
    const isRecording = path.startsWith('/api/v1/recordings/');
    if (isRecording) this.requests.push({ path, range, ifRange: typeof req.headers['if-range'] === 'string' ? req.headers['if-range'] : null });
    const rule = isRecording ? this.rule({ path, range }) : null;
    const upstream = http.request(`${this.target}${path}`, { method: req.method, headers: { ...req.headers, host: new URL(this.target).host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      let sent = 0;
      const limit = rule === null ? Infinity : 'cutAfter' in rule ? rule.cutAfter : rule.holdAfter;
      answer.on('data', (chunk: Buffer) => {
        if (sent >= limit) return;
        const part = chunk.subarray(0, Math.max(0, limit - sent));
        sent += part.length;
        res.write(part);
        if (sent < limit || rule === null) return;
        answer.pause();
        if ('cutAfter' in rule) {
          // Everything written so far reaches the client, then the connection ends mid-body.
          res.socket?.end();
          upstream.destroy();
        } else {
          void rule.release.then(() => {
            res.write(chunk.subarray(part.length));
            answer.on('data', (rest: Buffer) => res.write(rest));
            answer.resume();
          });
        }
      });
      answer.on('end', () => {
        if (sent >= limit && rule !== null && 'cutAfter' in rule) return;
        res.end();
      });
    });
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  }
}

describe('downloads', () => {
  it('downloads an assignment’s main and side recordings, verified, into the cache, with progress', async () => {
    const ws = open(platform.url);
    try {
      await ws.login();
      await ws.recorded();
      const assignment = recorded[0] as Assignment;
      expect((await ws.call('recordings.state', { assignmentId: assignment.assignmentId })).state).toBe('none');
      const state = await ws.download(assignment.assignmentId);
      expect(state.state).toBe('ready');
      expect(state.recordings.map((recording) => recording.angle)).toEqual(['main', 'side']);
      expect(state.bytesDone).toBe(bytesOf(assignment));
      for (const recording of assignment.recordings) {
        const file = cachedFile(ws, recording.recordingId);
        expect(sha256(readFileSync(file))).toBe(recording.sha256);
      }
      expect(state.recordings.every((recording) => recording.mediaId !== null && recording.error === null)).toBe(true);
      // The states went forward only, and no partial file is left.
      const seen = ws.progress.filter((event) => event.assignmentId === assignment.assignmentId).map((event) => event.state);
      expect(seen).toContain('downloading');
      expect(seen.at(-1)).toBe('ready');
      expect(cachedFiles(ws).filter((name) => name.endsWith('.partial'))).toEqual([]);
      const overview = await ws.call('recordings.overview', {});
      expect(overview.assignments.find((item) => item.assignmentId === assignment.assignmentId)?.state).toBe('ready');
      expect(overview.usage.usedBytes).toBe(bytesOf(assignment));
    } finally {
      ws.stop();
    }
  });

  it('resumes by range (with If-Range) after the connection drops mid-file, and verifies the whole', async () => {
    const proxy = new FlakyProxy(platform.url);
    await proxy.start();
    const ws = open(proxy.url);
    try {
      await ws.login();
      await ws.recorded();
      const assignment = recorded[1] as Assignment;
      const cuts = new Map(assignment.recordings.map((recording) => [recording.recordingId, Math.floor(recording.bytes * 0.4)]));
      proxy.rule = ({ path, range }) => {
        const id = decodeURIComponent(path.split('/').at(-1) ?? '');
        return range === null && cuts.has(id) ? { cutAfter: cuts.get(id) ?? 0 } : null;
      };
      const state = await ws.download(assignment.assignmentId);
      expect(state.state).toBe('ready');
      for (const recording of assignment.recordings) {
        const asked = proxy.requests.filter((request) => request.path.endsWith(recording.recordingId));
        // The last request asked only for the rest, guarded by the ETag. (Bytes still in the socket
        // when it drops are lost, as on a real network: the range starts at what reached the disk.)
        const last = asked.at(-1);
        const from = Number(/^bytes=(\d+)-$/.exec(last?.range ?? '')?.[1] ?? Number.NaN);
        expect(from).toBeGreaterThan(0);
        expect(from).toBeLessThanOrEqual(cuts.get(recording.recordingId) ?? 0);
        expect(last?.ifRange).toBe(`"${recording.sha256}"`);
        expect(asked.slice(0, -1).every((request) => request.range === null)).toBe(true);
        expect(sha256(readFileSync(cachedFile(ws, recording.recordingId)))).toBe(recording.sha256);
      }
    } finally {
      ws.stop();
      await proxy.close();
    }
  });

  it("keeps going through the platform's injected connection resets on /recordings", async () => {
    const ws = open(platform.url);
    try {
      await ws.login();
      await ws.recorded();
      faultInjectorOf(platform.ctx).set({ rate: 0.6, modes: ['reset'], paths: ['/recordings'], delayMs: 0, seed: 11 });
      const states = await Promise.all(recorded.slice(0, 3).map((assignment) => ws.download(assignment.assignmentId)));
      expect(states.map((state) => state.state)).toEqual(['ready', 'ready', 'ready']);
      expect(faultInjectorOf(platform.ctx).status().counters.injected.reset).toBeGreaterThan(0);
      for (const recording of recorded.slice(0, 3).flatMap((assignment) => assignment.recordings)) {
        expect(sha256(readFileSync(cachedFile(ws, recording.recordingId)))).toBe(recording.sha256);
      }
    } finally {
      ws.stop();
    }
  });

  it('pauses with what arrived kept, and resumes from there', async () => {
    const proxy = new FlakyProxy(platform.url);
    await proxy.start();
    const ws = open(proxy.url);
    try {
      await ws.login();
      await ws.recorded();
      const assignment = recorded[2] as Assignment;
      const main = assignment.recordings[0] as Assignment['recordings'][number];
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const holdAt = Math.floor(main.bytes / 2);
      proxy.rule = ({ path, range }) => (path.endsWith(main.recordingId) && range === null ? { holdAfter: holdAt, release: released } : null);
      const halfway = ws.waitFor('recordings.progress', (state) => state.recordings.some((item) => item.recordingId === main.recordingId && item.bytesDone >= holdAt));
      await ws.call('recordings.download', { assignmentId: assignment.assignmentId });
      await halfway;
      const paused = await ws.call('recordings.pause', { assignmentId: assignment.assignmentId });
      const mainState = paused.recordings.find((item) => item.recordingId === main.recordingId);
      expect(mainState?.state).toBe('paused');
      const partial = ws.folder.recordingPartial(main.recordingId).absolute;
      const kept = statSync(partial).size;
      expect(kept).toBeGreaterThan(0);
      expect(kept).toBeLessThanOrEqual(holdAt);
      release();

      const ready = ws.waitFor('recordings.progress', (state) => state.assignmentId === assignment.assignmentId && state.state === 'ready');
      await ws.call('recordings.resume', { assignmentId: assignment.assignmentId });
      await ready;
      const asked = proxy.requests.filter((request) => request.path.endsWith(main.recordingId)).map((request) => request.range);
      expect(asked).toEqual([null, `bytes=${String(kept)}-`]);
      expect(sha256(readFileSync(cachedFile(ws, main.recordingId)))).toBe(main.sha256);
    } finally {
      ws.stop();
      await proxy.close();
    }
  });

  it('cancels a download and throws away what arrived', async () => {
    const proxy = new FlakyProxy(platform.url);
    await proxy.start();
    const ws = open(proxy.url);
    try {
      await ws.login();
      await ws.recorded();
      const assignment = recorded[3] as Assignment;
      const never = new Promise<void>(() => undefined);
      proxy.rule = ({ range }) => (range === null ? { holdAfter: 1000, release: never } : null);
      const started = ws.waitFor('recordings.progress', (state) => state.assignmentId === assignment.assignmentId && state.bytesDone >= 1000);
      await ws.call('recordings.download', { assignmentId: assignment.assignmentId });
      await started;
      const cancelled = await ws.call('recordings.cancel', { assignmentId: assignment.assignmentId });
      expect(cancelled.state).toBe('none');
      expect(cancelled.recordings.every((recording) => recording.state === 'none' && recording.bytesDone === 0)).toBe(true);
      expect(cachedFiles(ws)).toEqual([]);
    } finally {
      ws.stop();
      await proxy.close();
    }
  });

  it('resumes by itself after a restart in the middle of a download', async () => {
    const proxy = new FlakyProxy(platform.url);
    await proxy.start();
    const dataDir = mkdtempSync(join(tmpdir(), 'downloads-restart-'));
    const assignment = recorded[0] as Assignment;
    const main = assignment.recordings[0] as Assignment['recordings'][number];
    const first = open(proxy.url, {}, dataDir);
    let second: Opened | null = null;
    try {
      await first.login();
      await first.recorded();
      const never = new Promise<void>(() => undefined);
      const holdAt = Math.floor(main.bytes / 3);
      proxy.rule = ({ path, range }) => (path.endsWith(main.recordingId) && range === null ? { holdAfter: holdAt, release: never } : null);
      const halfway = first.waitFor('recordings.progress', (state) => state.recordings.some((item) => item.recordingId === main.recordingId && item.bytesDone >= holdAt));
      await first.call('recordings.download', { assignmentId: assignment.assignmentId });
      await halfway;
      first.workstation.stop();
      const kept = statSync(first.folder.recordingPartial(main.recordingId).absolute).size;

      second = open(proxy.url, {}, dataDir);
      const ready = second.waitFor('recordings.progress', (state) => state.assignmentId === assignment.assignmentId && state.state === 'ready');
      // Signing in is all it takes: the interrupted download is queued again and resumes by range.
      await second.login();
      await ready;
      const asked = proxy.requests.filter((request) => request.path.endsWith(main.recordingId)).map((request) => request.range);
      expect(asked).toEqual([null, `bytes=${String(kept)}-`]);
      expect(sha256(readFileSync(cachedFile(second, main.recordingId)))).toBe(main.sha256);
    } finally {
      second?.stop();
      rmSync(dataDir, { recursive: true, force: true });
      await proxy.close();
    }
  });

  it('downloads again a ready recording cut short on disk, found at the next start and before use, and never serves the short file', async () => {
    const proxy = new FlakyProxy(platform.url);
    await proxy.start();
    const dataDir = mkdtempSync(join(tmpdir(), 'downloads-short-'));
    const assignment = recorded[0] as Assignment;
    const main = assignment.recordings[0] as Assignment['recordings'][number];
    const asked = () => proxy.requests.filter((request) => request.path.endsWith(main.recordingId)).length;
    const first = open(proxy.url, {}, dataDir);
    let second: Opened | null = null;
    try {
      await first.login();
      await first.recorded();
      expect((await first.download(assignment.assignmentId)).state).toBe('ready');
      const file = cachedFile(first, main.recordingId);
      first.workstation.stop();
      expect(asked()).toBe(1);
      truncateSync(file, Math.floor(main.bytes / 2));

      // At the next start, before anyone signs in: no longer ready, and the short file is gone.
      second = open(proxy.url, {}, dataDir);
      const row = second.workstation.store.reader.get<{ state: string; path: string | null; media_id: string | null }>(
        sql`SELECT state, path, media_id FROM media_recordings WHERE recording_id = ${main.recordingId}`,
      );
      expect(row).toEqual({ state: 'queued', path: null, media_id: null });
      expect(existsSync(file)).toBe(false);
      // Signing in brings it from the platform again, whole.
      const ready = second.waitFor('recordings.progress', (state) => state.assignmentId === assignment.assignmentId && state.state === 'ready');
      await second.login();
      await ready;
      expect(asked()).toBe(2);
      expect(sha256(readFileSync(cachedFile(second, main.recordingId)))).toBe(main.sha256);

      // Cut short while the workstation runs: found when the review asks for it.
      truncateSync(cachedFile(second, main.recordingId), 10);
      const again = second.waitFor('recordings.progress', (state) => state.assignmentId === assignment.assignmentId && state.state === 'ready');
      expect(await second.refusal('media.prepare', { recordingId: main.recordingId })).toBe('not_downloaded');
      await again;
      expect(asked()).toBe(3);
      expect(sha256(readFileSync(cachedFile(second, main.recordingId)))).toBe(main.sha256);
    } finally {
      second?.stop();
      rmSync(dataDir, { recursive: true, force: true });
      await proxy.close();
    }
  });

  it('refuses a file whose sha256 is not the platform’s: discarded, never ready, an error on that assignment', async () => {
    const assignment = recorded[1] as Assignment;
    const side = assignment.recordings[1] as Assignment['recordings'][number];
    const file = platformFile(side.recordingId);
    const original = readFileSync(file);
    const tampered = Buffer.from(original);
    const middle = Math.floor(tampered.length / 2);
    for (let i = middle; i < middle + 64; i++) tampered.writeUInt8((tampered.readUInt8(i) ^ 0xff) & 0xff, i);
    writeFileSync(file, tampered);
    const ws = open(platform.url);
    try {
      await ws.login();
      await ws.recorded();
      const state = await ws.download(assignment.assignmentId);
      expect(state.state).toBe('failed');
      const failed = state.recordings.find((recording) => recording.recordingId === side.recordingId);
      expect(failed).toMatchObject({ state: 'failed', mediaId: null, error: { code: 'recording_corrupt' } });
      // The main angle is unaffected; nothing of the side is kept.
      expect(state.recordings.find((recording) => recording.angle === 'main')?.state).toBe('ready');
      expect(cachedFiles(ws)).toHaveLength(1);
      expect(await ws.refusal('media.prepare', { recordingId: side.recordingId })).toBe('not_downloaded');
    } finally {
      writeFileSync(file, original);
      ws.stop();
    }
  });

  it('reports a full disk as an error on that assignment, and downloads the rest', async () => {
    const ws = open(platform.url);
    try {
      await ws.login();
      await ws.recorded();
      const assignment = recorded[2] as Assignment;
      const main = assignment.recordings[0] as Assignment['recordings'][number];
      // The kernel's own "no space left": the partial file is /dev/full.
      ws.folder.ensure();
      symlinkSync('/dev/full', ws.folder.recordingPartial(main.recordingId).absolute);
      const state = await ws.download(assignment.assignmentId);
      expect(state.recordings.find((recording) => recording.recordingId === main.recordingId)).toMatchObject({ state: 'failed', error: { code: 'disk_full' } });
      expect(state.recordings.find((recording) => recording.angle === 'side')?.state).toBe('ready');
      expect((await ws.download((recorded[3] as Assignment).assignmentId)).state).toBe('ready');

      rmSync(ws.folder.recordingPartial(main.recordingId).absolute);
      const ready = ws.waitFor('recordings.progress', (next) => next.assignmentId === assignment.assignmentId && next.state === 'ready');
      await ws.call('recordings.resume', { assignmentId: assignment.assignmentId });
      await ready;
    } finally {
      ws.stop();
    }
  });
});

describe('the cache quota and the purge', () => {
  async function submitSheet(ws: Opened, assignment: Assignment): Promise<void> {
    const { exam } = await ws.call('exams.get', { examId: assignment.examId });
    const criteria = (exam as Exam).subjects.find((subject) => subject.id === assignment.subjectId)?.rubric.criteria ?? [];
    await ws.call('sheets.save', { assignmentId: assignment.assignmentId, values: valuesFor(criteria, 0.5), comment: '', violation: { flagged: false, note: null } });
    await ws.call('sheets.submit', { assignmentId: assignment.assignmentId });
  }

  it('evicts the least recently used scored recordings to make room, and never an unscored assignment’s', async () => {
    const [a, b, c, d] = [...recorded].sort((x, y) => bytesOf(x) - bytesOf(y)) as [Assignment, Assignment, Assignment, Assignment];
    // Room for b and the larger of a and c: c fits only once a (the smallest) has gone.
    const quotaBytes = bytesOf(b) + Math.max(bytesOf(a), bytesOf(c));
    const ws = open(platform.url, { downloads: { quotaBytes } });
    try {
      await ws.login();
      await ws.recorded();
      expect((await ws.download(a.assignmentId)).state).toBe('ready');
      await submitSheet(ws, a);
      expect((await ws.download(b.assignmentId)).state).toBe('ready');
      expect((await ws.download(c.assignmentId)).state).toBe('ready');
      expect((await ws.call('recordings.state', { assignmentId: a.assignmentId })).state).toBe('none');
      for (const recording of a.recordings) expect(cachedFile(ws, recording.recordingId)).toBe('');

      // Only unscored assignments are left: d does not fit, and b and c stay.
      const refused = await ws.download(d.assignmentId);
      expect(refused.state).toBe('failed');
      expect(refused.recordings.some((recording) => recording.error?.code === 'quota_exceeded')).toBe(true);
      for (const kept of [b, c]) expect((await ws.call('recordings.state', { assignmentId: kept.assignmentId })).state).toBe('ready');
      const usage = (await ws.call('recordings.overview', {})).usage;
      expect(usage).toEqual({ usedBytes: bytesOf(b) + bytesOf(c), quotaBytes });
    } finally {
      ws.stop();
    }
  });

  it('purges a recording once its sheet is accepted and the grading window is over, and keeps the others', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'downloads-purge-'));
    const [accepted, open_] = recorded as [Assignment, Assignment];
    const first = open(platform.url, {}, dataDir);
    let later: Opened | null = null;
    try {
      await first.login();
      await first.recorded();
      await first.download(accepted.assignmentId);
      await first.download(open_.assignmentId);
      const acceptedEvent = first.waitFor('sheet.changed', (sheet) => sheet.assignmentId === accepted.assignmentId && sheet.status === 'accepted');
      await submitSheet(first, accepted);
      await acceptedEvent;
      first.workstation.stop();

      // Eight days after the due date; the window is the due date plus 7 days. The purge runs at start.
      const afterWindow = Date.parse(accepted.dueAt) + 8 * 24 * 3600_000;
      later = open(platform.url, { downloads: { now: () => new Date(afterWindow) } }, dataDir);
      const rows = later.workstation.store.reader.all<{ recording_id: string }>(sql`SELECT recording_id FROM media_recordings ORDER BY recording_id`);
      expect(rows.map((row) => row.recording_id)).toEqual(open_.recordings.map((recording) => recording.recordingId).sort());
      expect(cachedFiles(later)).toHaveLength(open_.recordings.length);
      await later.login();
      await later.recorded();
      expect((await later.call('recordings.state', { assignmentId: accepted.assignmentId })).state).toBe('none');
      expect((await later.call('recordings.state', { assignmentId: open_.assignmentId })).state).toBe('ready');
    } finally {
      later?.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
