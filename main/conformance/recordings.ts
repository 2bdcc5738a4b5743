import { mkdtemp, open, rm, truncate } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHA256_HEADER, type Recording } from '@common/platform';
import { API_PREFIX } from '@common/platform/wire';
import { AttemptError, downloadAttempt, type AttemptResult } from '../downloads/fetch-recording';
import { blocked, fail, pass, type RuleResult } from './results';

/** The longest byte range asked for: enough to cross a chunk or two of a stream. */
const RANGE_BYTES = 64 * 1024;
const TIMEOUT_MS = 60_000;

interface Download {
  readonly origin: string;
  readonly token: string;
  readonly recording: Recording;
  readonly file: string;
  readonly agent: http.Agent;
}

/**
 * The recording rules, with the workstation's own downloader (main/downloads/fetch-recording.ts:
 * Range from where a partial file stops, If-Range with the ETag `"<sha256>"`, the sha256 computed
 * as bytes arrive) and one plain ranged GET. The file goes to a scratch folder, removed after.
 */
export async function recordingRules(origin: string, token: string, recording: Recording | null): Promise<RuleResult[]> {
  if (recording === null) {
    const expected = "a recording of one of this examiner's assignments in the test exam";
    return [fail('recording.sha256', expected, 'none'), blocked('recording.range', 'a recording', 'recording.sha256'), blocked('recording.resume', 'a recording', 'recording.sha256')];
  }
  const scratch = await mkdtemp(join(tmpdir(), 'conformance-recording-'));
  const agent = origin.startsWith('https:') ? new https.Agent({ keepAlive: false }) : new http.Agent({ keepAlive: false });
  const download: Download = { origin, token, recording, file: join(scratch, 'recording.partial'), agent };
  try {
    const whole = await wholeRule(download);
    if (!whole.passed) return [whole, blocked('recording.range', 'the whole file to compare a range with', 'recording.sha256'), blocked('recording.resume', 'the whole file', 'recording.sha256')];
    return [whole, await rangeRule(download), await resumeRule(download)];
  } finally {
    agent.destroy();
    await rm(scratch, { recursive: true, force: true });
  }
}

const urlOf = (download: Download) => `${download.origin}${API_PREFIX}/recordings/${encodeURIComponent(download.recording.recordingId)}`;

function attempt(download: Download): Promise<AttemptResult> {
  return downloadAttempt({
    url: urlOf(download),
    token: download.token,
    etag: `"${download.recording.sha256}"`,
    expectedBytes: download.recording.bytes,
    partialFile: download.file,
    signal: AbortSignal.timeout(TIMEOUT_MS),
    agent: download.agent,
    idleTimeoutMs: TIMEOUT_MS,
    onBytes: () => undefined,
  });
}

const attemptText = (error: unknown) => (error instanceof AttemptError ? `${error.failure.kind}: ${error.message}` : String(error));

/** `recording.sha256`: the whole file, as the workstation downloads it, has the length and sha256 the assignment list announces. */
async function wholeRule(download: Download): Promise<RuleResult> {
  const { recording } = download;
  const expected = `GET /recordings/${recording.recordingId} to send ${String(recording.bytes)} bytes with the announced sha256 ${recording.sha256}`;
  let result: AttemptResult;
  try {
    result = await attempt(download);
  } catch (error) {
    return fail('recording.sha256', expected, attemptText(error));
  }
  if (result.bytes !== recording.bytes || result.sha256 !== recording.sha256) {
    return fail('recording.sha256', expected, `${String(result.bytes)} bytes with sha256 ${result.sha256}`);
  }
  return pass('recording.sha256', `${recording.recordingId}: ${String(result.bytes)} bytes, sha256 ${result.sha256} as announced`);
}

/**
 * `recording.range`: a closed byte range in the middle answers 206 with its Content-Range and
 * exactly those bytes of the whole file, with the ETag and sha256 headers the workstation's
 * resume relies on.
 */
async function rangeRule(download: Download): Promise<RuleResult> {
  const { recording } = download;
  const size = recording.bytes;
  if (size === 0) return fail('recording.range', 'a recording with bytes to ask a range of', 'an empty recording');
  const start = Math.floor(size / 3);
  const end = Math.min(size - 1, start + RANGE_BYTES - 1);
  const range = `bytes ${String(start)}-${String(end)}/${String(size)}`;
  const expected = `206 with Content-Range ${range}, ETag "${recording.sha256}", ${SHA256_HEADER}: ${recording.sha256} and the file's bytes ${String(start)}..${String(end)}`;
  let response: Response;
  let body: Buffer;
  try {
    response = await fetch(urlOf(download), {
      headers: { authorization: `Bearer ${download.token}`, range: `bytes=${String(start)}-${String(end)}` },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    body = Buffer.from(await response.arrayBuffer());
  } catch (error) {
    return fail('recording.range', expected, (error as Error).message);
  }
  const wrong: string[] = [];
  if (response.status !== 206) wrong.push(`status ${String(response.status)}`);
  const contentRange = response.headers.get('content-range');
  if (contentRange !== range) wrong.push(`Content-Range ${contentRange ?? 'none'}`);
  if (response.headers.get('etag') !== `"${recording.sha256}"`) wrong.push(`ETag ${response.headers.get('etag') ?? 'none'}`);
  if (response.headers.get(SHA256_HEADER) !== recording.sha256) wrong.push(`${SHA256_HEADER} ${response.headers.get(SHA256_HEADER) ?? 'none'}`);
  if (!body.equals(await slice(download.file, start, end))) wrong.push(`${String(body.length)} bytes that differ from the whole file's`);
  if (wrong.length > 0) return fail('recording.range', expected, wrong.join(', '));
  return pass('recording.range', `206 ${range}: ${String(body.length)} bytes equal to the whole file's at ${String(start)}, ETag and ${SHA256_HEADER} as announced`);
}

/**
 * `recording.resume`: the workstation's downloader, given the first half of the file, asks for
 * the rest by range, gets it as a 206 from where the half stops, and ends with the announced sha256.
 */
async function resumeRule(download: Download): Promise<RuleResult> {
  const { recording } = download;
  const half = Math.floor(recording.bytes / 2);
  const expected = `the download resumed at byte ${String(half)} (206 for Range: bytes=${String(half)}- with If-Range) and ending with sha256 ${recording.sha256}`;
  let result: AttemptResult;
  try {
    await truncate(download.file, half);
    result = await attempt(download);
  } catch (error) {
    return fail('recording.resume', expected, attemptText(error));
  }
  if (result.resumedFrom !== half || result.sha256 !== recording.sha256) {
    const how = result.resumedFrom === 0 ? 'the whole file again (200: Range or If-Range not honoured)' : `a resume from ${String(result.resumedFrom)}`;
    return fail('recording.resume', expected, `${how}, sha256 ${result.sha256}`);
  }
  return pass('recording.resume', `resumed at byte ${String(half)} with a 206; the whole file's sha256 is the announced one`);
}

async function slice(file: string, start: number, end: number): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const buffer = Buffer.alloc(end - start + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, start);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
