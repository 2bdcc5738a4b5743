import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseByteRange, type ByteRange } from '@common/http/byte-ranges';
import { AssignmentList, SHA256_HEADER, type Assignment } from '@common/platform/assignments';
import { LoginResponse } from '@common/platform/wire';
import { DEMO_DANCE_SLOT_ID, DEMO_RECORDED_SLOT_IDS } from '../../platform/demo/exam';
import { startPlatform, type RunningPlatform } from '../../platform/server';
import { recordingFile, type RecordingRow } from '../../platform/state/recordings';

// A small demo: two live and two recorded candidates, with 2-second recordings.
let platform: RunningPlatform;
let dataDir: string;
const tokens = new Map<string, string>();
let recording: RecordingRow;
let file: Buffer;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'platform-recordings-'));
  platform = await startPlatform({
    dataDir,
    demo: { liveCandidates: 2, recordedPerSlot: 1 },
    demoMedia: { seconds: 2, longSeconds: 2 },
  });
  for (const username of ['examiner1', 'examiner2', 'examiner3', 'grader1']) {
    const response = await api('/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: 'demo1234' }),
    });
    tokens.set(username, LoginResponse.parse(await response.json()).token);
  }
  // One of the grading panel's (examiner1 and examiner2 grade it), not of the dance slot.
  recording = rows().find((row) => (DEMO_RECORDED_SLOT_IDS as readonly string[]).includes(row.slot_id)) as RecordingRow;
  file = readFileSync(pathOf(recording));
}, 120_000);

afterAll(async () => {
  await platform.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const api = (path: string, init: RequestInit = {}) => fetch(`${platform.url}/api/v1${path}`, init);
const as = (username: string, headers: Record<string, string> = {}) => ({
  headers: { authorization: `Bearer ${tokens.get(username) ?? ''}`, ...headers },
});
const rows = () => platform.ctx.db.prepare('SELECT * FROM recordings ORDER BY id').all() as RecordingRow[];
const pathOf = (row: RecordingRow) => recordingFile(platform.ctx.mediaDir, row) ?? '';
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const candidateOf = (assignmentId: string) =>
  (platform.ctx.db.prepare('SELECT candidate_id FROM assignments WHERE id = ?').get(assignmentId) as { candidate_id: string }).candidate_id;
const getRecording = (headers: Record<string, string> = {}, username = 'examiner1') =>
  api(`/recordings/${recording.id}`, as(username, headers));

async function assignmentsOf(username: string): Promise<Assignment[]> {
  const response = await api('/assignments', as(username));
  expect(response.status).toBe(200);
  return AssignmentList.parse(await response.json()).assignments;
}

describe('reference platform: assignments', () => {
  it('lists the recordings of each recorded assignment, main and side, as the database has them', async () => {
    const assignments = await assignmentsOf('examiner1');
    const recorded = assignments.filter((assignment) => assignment.kind === 'recorded');
    expect(recorded.map((assignment) => assignment.slotId).sort()).toEqual([...DEMO_RECORDED_SLOT_IDS].sort());
    const byId = new Map(rows().map((row) => [row.id, row]));
    for (const assignment of recorded) {
      expect(assignment.entryId).toBeNull();
      expect(assignment.recordings.map((item) => item.angle)).toEqual(['main', 'side']);
      for (const item of assignment.recordings) {
        const row = byId.get(item.recordingId);
        expect(row).toMatchObject({ candidate_id: candidateOf(assignment.assignmentId), slot_id: assignment.slotId });
        expect(item).toEqual({
          recordingId: row?.id,
          angle: row?.angle,
          contentType: 'video/mp4',
          bytes: row?.bytes,
          sha256: row?.sha256,
          durationMs: row?.duration_ms,
        });
        expect(item.durationMs).toBeGreaterThan(1000);
      }
    }
    const live = assignments.filter((assignment) => assignment.kind === 'live');
    expect(live).toHaveLength(2);
    for (const assignment of live) {
      expect(assignment.entryId).toMatch(/^q-/);
      expect(assignment.recordings).toEqual([]);
    }
  });

  it('shows each examiner their own code for the same candidate, and never a name or ID number', async () => {
    // examiner2's calibration assignments (the dance anchors) are not candidates' assignments.
    const [first, second] = (await Promise.all([assignmentsOf('examiner1'), assignmentsOf('examiner2')])).map((list) =>
      list.filter((assignment) => assignment.purpose === 'score'),
    ) as [Assignment[], Assignment[]];
    const codes = (list: Assignment[]) => new Map(list.map((assignment) => [candidateOf(assignment.assignmentId), assignment.candidateCode]));
    const firstCodes = codes(first);
    const secondCodes = codes(second);
    expect(firstCodes.size).toBe(4);
    for (const [candidateId, code] of firstCodes) {
      expect(code).toBe(platform.ctx.codes.codeFor('ex-01', candidateId));
      expect(secondCodes.get(candidateId)).toBe(platform.ctx.codes.codeFor('ex-02', candidateId));
      expect(secondCodes.get(candidateId)).not.toBe(code);
    }
    const people = platform.ctx.db.prepare('SELECT id, name, id_number FROM candidates').all() as { id: string; name: string; id_number: string }[];
    const body = JSON.stringify(first);
    for (const person of people) {
      for (const secret of [person.id, person.name, person.id_number]) expect(body).not.toContain(secret);
    }
  });

  it('gives an examiner off the grading panel no recorded assignments, and a grader no live ones', async () => {
    const examiner3 = await assignmentsOf('examiner3');
    expect(examiner3.length).toBe(2);
    expect(examiner3.every((assignment) => assignment.kind === 'live' && assignment.recordings.length === 0)).toBe(true);
    // grader1 grades the two recorded slots and the dance slot (one candidate each), and calibrates on the dance anchors.
    const grader = await assignmentsOf('grader1');
    expect(grader.every((assignment) => assignment.kind === 'recorded')).toBe(true);
    const scored = grader.filter((assignment) => assignment.purpose === 'score').map((assignment) => assignment.slotId);
    expect(scored.sort()).toEqual([...DEMO_RECORDED_SLOT_IDS, DEMO_DANCE_SLOT_ID].sort());
    expect(grader.filter((assignment) => assignment.purpose === 'calibration').map((assignment) => assignment.candidateCode)).toEqual(['A1', 'A2']);
  });

  it('answers 304 to a matching If-None-Match and 401 without a token', async () => {
    const first = await api('/assignments', as('examiner1'));
    const etag = first.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"/);
    const again = await api('/assignments', as('examiner1', { 'if-none-match': etag }));
    expect(again.status).toBe(304);
    const other = await api('/assignments', as('examiner2', { 'if-none-match': etag }));
    expect(other.status).toBe(200);
    expect((await api('/assignments')).status).toBe(401);
  });
});

describe('reference platform: recordings', () => {
  it('answers HEAD with the length, a strong ETag from the sha256 and the sha256, and no body', async () => {
    const response = await api(`/recordings/${recording.id}`, { method: 'HEAD', ...as('examiner1') });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe(String(recording.bytes));
    expect(response.headers.get('content-type')).toBe('video/mp4');
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    expect(response.headers.get('etag')).toBe(`"${recording.sha256}"`);
    expect(response.headers.get(SHA256_HEADER)).toBe(recording.sha256);
    expect((await response.arrayBuffer()).byteLength).toBe(0);
  });

  it('serves the whole file, whose sha256 is the header, the database and the file on disk', async () => {
    const response = await getRecording();
    expect(response.status).toBe(200);
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.length).toBe(recording.bytes);
    expect(response.headers.get('content-length')).toBe(String(recording.bytes));
    expect(sha256(body)).toBe(response.headers.get(SHA256_HEADER));
    expect(sha256(body)).toBe(recording.sha256);
    expect(sha256(file)).toBe(recording.sha256);
  });

  it.each([
    ['a first-last range', () => 'bytes=0-99', () => [0, 99]],
    ['an open range', () => 'bytes=100-', () => [100, file.length - 1]],
    ['a suffix range', () => 'bytes=-100', () => [file.length - 100, file.length - 1]],
    ['a range past the end (clamped)', () => `bytes=${file.length - 10}-${file.length + 1000}`, () => [file.length - 10, file.length - 1]],
    ['a suffix longer than the file', () => `bytes=-${file.length + 5}`, () => [0, file.length - 1]],
    ['one satisfiable range among unsatisfiable ones', () => `bytes=${file.length}-, 5-9`, () => [5, 9]],
  ])('answers %s with 206 and exactly those bytes', async (_label, range, expected) => {
    const [start, end] = expected() as [number, number];
    const response = await getRecording({ range: range() });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe(`bytes ${start}-${end}/${file.length}`);
    expect(response.headers.get('content-length')).toBe(String(end - start + 1));
    expect(response.headers.get(SHA256_HEADER)).toBe(recording.sha256);
    expect(Buffer.from(await response.arrayBuffer()).equals(file.subarray(start, end + 1))).toBe(true);
  });

  it.each([
    ['a start at the end', () => `bytes=${file.length}-`],
    ['a start past the end', () => `bytes=${file.length + 100}-${file.length + 200}`],
    ['an empty suffix', () => 'bytes=-0'],
  ])('refuses %s with 416 and the size', async (_label, range) => {
    const response = await getRecording({ range: range() });
    expect(response.status).toBe(416);
    expect(response.headers.get('content-range')).toBe(`bytes */${file.length}`);
    expect(await response.json()).toMatchObject({ error: { code: 'range_not_satisfiable' } });
  });

  it.each([
    ['several ranges (answered whole, by choice)', 'bytes=0-1,10-20'],
    ['a malformed range', 'bytes=abc'],
    ['a backwards range', 'bytes=20-10'],
    ['another unit', 'items=0-1'],
  ])('answers %s with the whole file', async (_label, range) => {
    const response = await getRecording({ range });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-range')).toBeNull();
    expect(Buffer.from(await response.arrayBuffer()).equals(file)).toBe(true);
  });

  it('honours If-Range: the current tag gets the range, any other validator the whole file', async () => {
    const match = await getRecording({ range: 'bytes=0-9', 'if-range': `"${recording.sha256}"` });
    expect(match.status).toBe(206);
    expect(Buffer.from(await match.arrayBuffer()).equals(file.subarray(0, 10))).toBe(true);
    for (const validator of ['"0000"', `W/"${recording.sha256}"`, 'Sat, 01 Jan 2000 00:00:00 GMT']) {
      const stale = await getRecording({ range: 'bytes=0-9', 'if-range': validator });
      expect(stale.status).toBe(200);
      expect(Buffer.from(await stale.arrayBuffer()).equals(file)).toBe(true);
    }
  });

  it('answers 304 to If-None-Match with the current tag (weakly compared), 200 to another', async () => {
    for (const tag of [`"${recording.sha256}"`, `W/"${recording.sha256}"`, `"other", "${recording.sha256}"`, '*']) {
      const response = await getRecording({ 'if-none-match': tag, range: 'bytes=0-9' });
      expect(response.status).toBe(304);
      expect(response.headers.get('etag')).toBe(`"${recording.sha256}"`);
      expect((await response.arrayBuffer()).byteLength).toBe(0);
    }
    const changed = await getRecording({ 'if-none-match': '"other"' });
    expect(changed.status).toBe(200);
    await changed.arrayBuffer();
  });

  it('serves every recording to its grader, and nothing to an examiner without an assignment for it', async () => {
    for (const row of rows()) {
      const grader = await api(`/recordings/${row.id}`, { method: 'HEAD', ...as('grader1') });
      expect(grader.status).toBe(200);
      expect(grader.headers.get(SHA256_HEADER)).toBe(row.sha256);
      for (const method of ['HEAD', 'GET']) {
        const stranger = await api(`/recordings/${row.id}`, { method, ...as('examiner3') });
        expect(stranger.status).toBe(404);
        expect(stranger.headers.get(SHA256_HEADER)).toBeNull();
        if (method === 'GET') expect(await stranger.json()).toMatchObject({ error: { code: 'not_found' } });
      }
    }
  });

  it('refuses a panel member whose assignment for that candidate was taken away', async () => {
    const before = await api(`/recordings/${recording.id}`, { method: 'HEAD', ...as('examiner2') });
    expect(before.status).toBe(200);
    platform.ctx.db
      .prepare("DELETE FROM assignments WHERE examiner_id = 'ex-02' AND candidate_id = ? AND slot_id = ?")
      .run(recording.candidate_id, recording.slot_id);
    const after = await api(`/recordings/${recording.id}`, as('examiner2'));
    expect(after.status).toBe(404);
    expect((await assignmentsOf('examiner2')).flatMap((assignment) => assignment.recordings).map((item) => item.recordingId)).not.toContain(
      recording.id,
    );
    expect((await getRecording({ range: 'bytes=0-0' })).status).toBe(206);
  });

  it.each([
    ['an unknown id', () => 'rec-0000000000000000'],
    ['an id with ../', () => '..%2F..%2Fplatform.sqlite'],
    ['an id with encoded dots and slashes', () => '%2E%2E%2Fmedia%2F..%2Fplatform.sqlite'],
    ['an encoded absolute path', () => encodeURIComponent('/etc/passwd')],
    ['the file name of a recording', () => recording.path],
  ])('answers %s with 404 from the recordings route', async (_label, id) => {
    const response = await api(`/recordings/${id()}`, as('examiner1'));
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: 'not_found', message: 'no such recording' } });
  });

  it('refuses a request without a token with 401', async () => {
    const response = await api(`/recordings/${recording.id}`);
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: { code: 'unauthorized' } });
  });

  it('answers 503 while the file is missing from disk, and serves it again once it is back', async () => {
    const path = pathOf(recording);
    renameSync(path, `${path}.away`);
    try {
      const missing = await getRecording();
      expect(missing.status).toBe(503);
      expect(await missing.json()).toMatchObject({ error: { code: 'recording_unavailable' } });
    } finally {
      renameSync(`${path}.away`, path);
    }
    const back = await getRecording({ range: 'bytes=0-0' });
    expect(back.status).toBe(206);
    await back.arrayBuffer();
  });
});

describe('byte range parsing: the edges HTTP tests above do not reach', () => {
  it.each<[string, number, ByteRange]>([
    ['BYTES = 0-0', 10, { kind: 'part', start: 0, end: 0 }],
    ['bytes=0-99999999999999999999999', 10, { kind: 'part', start: 0, end: 9 }],
    ['bytes=99999999999999999999999-', 10, { kind: 'unsatisfiable' }],
    ['bytes=0-', 0, { kind: 'unsatisfiable' }],
    ['bytes=-5', 0, { kind: 'unsatisfiable' }],
    ['bytes=0-1, ,', 10, { kind: 'part', start: 0, end: 1 }],
    ['bytes=', 10, { kind: 'whole' }],
    ['bytes=,', 10, { kind: 'whole' }],
    ['bytes=1-2-3', 10, { kind: 'whole' }],
    ['bytes=0x1-2', 10, { kind: 'whole' }],
    ['bytes=0-4,2-8', 10, { kind: 'whole' }],
  ])('%s of a %i-byte file', (header, size, expected) => {
    expect(parseByteRange(header, size)).toEqual(expected);
  });
});
