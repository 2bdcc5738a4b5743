import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rm, stat, type FileHandle } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { PRIVATE_FILE_MODE } from '../store/private-files';

/** Why one attempt at a download ended without the whole file. */
export type AttemptFailure =
  /** The connection dropped or timed out: try again from where it stopped. */
  | { readonly kind: 'network'; readonly message: string }
  /** The platform refused: retrying the same request will not help (401, 404…). */
  | { readonly kind: 'refused'; readonly status: number; readonly message: string }
  /** The platform failed for now (5xx, 503 while its file is away): worth retrying later. */
  | { readonly kind: 'unavailable'; readonly status: number; readonly message: string }
  | { readonly kind: 'disk_full'; readonly message: string }
  | { readonly kind: 'aborted' }
  /** More bytes than the platform announced: the file is not what the assignment describes. */
  | { readonly kind: 'oversize'; readonly message: string };

export class AttemptError extends Error {
  constructor(readonly failure: AttemptFailure) {
    super(failure.kind === 'aborted' ? 'aborted' : failure.message);
    this.name = 'AttemptError';
  }
}

export interface AttemptInput {
  readonly url: string;
  readonly token: string;
  /** The strong ETag the platform sends for this recording: `"<sha256>"`. */
  readonly etag: string;
  readonly expectedBytes: number;
  readonly partialFile: string;
  readonly signal: AbortSignal;
  readonly agent: http.Agent | https.Agent;
  /** A connection silent this long is dropped (and the download resumes). */
  readonly idleTimeoutMs: number;
  readonly onBytes: (total: number) => void;
}

export interface AttemptResult {
  /** Hex sha256 of the whole partial file. */
  readonly sha256: string;
  readonly bytes: number;
  /** Where this attempt started: more than 0 when it resumed by range. */
  readonly resumedFrom: number;
}

/**
 * One attempt at bringing the partial file up to the whole recording: it asks only for the bytes
 * it lacks (`Range: bytes=n-`), guarded by `If-Range` with the file's ETag so that a recording
 * replaced on the platform comes back whole (200) rather than spliced onto the old one's start.
 * The sha256 is computed as the bytes arrive (after re-reading what an earlier attempt left),
 * so verifying a finished download costs no second pass over the file.
 */
export async function downloadAttempt(input: AttemptInput): Promise<AttemptResult> {
  let offset = await sizeOf(input.partialFile);
  if (offset > input.expectedBytes) {
    await rm(input.partialFile, { force: true });
    offset = 0;
  }
  const hash = createHash('sha256');
  if (offset > 0) await hashPrefix(input.partialFile, offset, hash, input.signal);
  if (offset === input.expectedBytes && input.expectedBytes > 0) {
    return { sha256: hash.digest('hex'), bytes: offset, resumedFrom: offset };
  }

  const headers: Record<string, string> = { authorization: `Bearer ${input.token}`, accept: '*/*' };
  if (offset > 0) {
    headers.range = `bytes=${String(offset)}-`;
    headers['if-range'] = input.etag;
  }
  const response = await request(input, headers);
  const status = response.statusCode ?? 0;
  let start: number;
  if (status === 206) {
    start = rangeStart(response.headers['content-range']);
    if (start !== offset) {
      response.resume();
      await rm(input.partialFile, { force: true });
      throw new AttemptError({ kind: 'network', message: `the platform answered a range from ${String(start)}, not ${String(offset)}: starting over` });
    }
  } else if (status === 200) {
    // The platform sent the whole file: what we held was another version, or it ignored Range.
    start = 0;
  } else if (status === 416) {
    response.resume();
    await rm(input.partialFile, { force: true });
    throw new AttemptError({ kind: 'network', message: 'the platform has fewer bytes than were kept: starting over' });
  } else {
    const body = await readSmall(response);
    const message = `the platform answered ${String(status)}${body ? `: ${body}` : ''}`;
    if (status >= 500 || status === 429 || status === 408) throw new AttemptError({ kind: 'unavailable', status, message });
    throw new AttemptError({ kind: 'refused', status, message });
  }

  const digest = start === 0 && offset > 0 ? createHash('sha256') : hash;
  let received = start;
  let file: FileHandle;
  try {
    file = await open(input.partialFile, start === 0 ? 'w' : 'a', PRIVATE_FILE_MODE);
  } catch (error) {
    response.destroy();
    throw diskFailure(error) ?? error;
  }
  // Each chunk is on disk before it counts (and before the next is read): a pause or a drop keeps
  // exactly what was reported, which is where the next attempt's range starts.
  const onAbort = () => response.destroy(new Error('aborted'));
  input.signal.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      if (received + chunk.length > input.expectedBytes) {
        response.destroy();
        await rm(input.partialFile, { force: true });
        throw new AttemptError({ kind: 'oversize', message: `the platform sent more than the ${String(input.expectedBytes)} bytes it announced` });
      }
      await writeAll(file, chunk);
      digest.update(chunk);
      received += chunk.length;
      input.onBytes(received);
    }
  } catch (error) {
    if (error instanceof AttemptError) throw error;
    if (input.signal.aborted) throw new AttemptError({ kind: 'aborted' });
    throw diskFailure(error) ?? new AttemptError({ kind: 'network', message: `the connection dropped after ${String(received)} bytes: ${(error as Error).message}` });
  } finally {
    input.signal.removeEventListener('abort', onAbort);
    await file.close();
  }
  if (input.signal.aborted) throw new AttemptError({ kind: 'aborted' });
  if (received < input.expectedBytes) {
    throw new AttemptError({ kind: 'network', message: `the response ended after ${String(received)} of ${String(input.expectedBytes)} bytes` });
  }
  return { sha256: digest.digest('hex'), bytes: received, resumedFrom: start };
}

async function writeAll(file: FileHandle, chunk: Buffer): Promise<void> {
  let written = 0;
  while (written < chunk.length) written += (await file.write(chunk, written, chunk.length - written)).bytesWritten;
}

function diskFailure(error: unknown): AttemptError | null {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT' ? new AttemptError({ kind: 'disk_full', message: `the disk is full (${code})` }) : null;
}

function request(input: AttemptInput, headers: Record<string, string>): Promise<http.IncomingMessage> {
  const url = new URL(input.url);
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const outgoing = client.request(url, { method: 'GET', headers, agent: input.agent, signal: input.signal }, resolve);
    outgoing.setTimeout(input.idleTimeoutMs, () => outgoing.destroy(new Error(`no answer for ${String(input.idleTimeoutMs)} ms`)));
    outgoing.once('error', (error) => {
      if (input.signal.aborted) reject(new AttemptError({ kind: 'aborted' }));
      else reject(new AttemptError({ kind: 'network', message: error.message }));
    });
    outgoing.end();
  });
}

async function sizeOf(file: string): Promise<number> {
  try {
    const info = await stat(file);
    return info.isFile() ? info.size : 0;
  } catch {
    return 0;
  }
}

async function hashPrefix(file: string, bytes: number, hash: Hash, signal: AbortSignal): Promise<void> {
  try {
    for await (const chunk of createReadStream(file, { start: 0, end: bytes - 1, signal })) hash.update(chunk as Buffer);
  } catch (error) {
    if (signal.aborted) throw new AttemptError({ kind: 'aborted' });
    throw error;
  }
}

/** The first byte of a `Content-Range: bytes a-b/n`; -1 when malformed. */
export function rangeStart(header: string | undefined): number {
  const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header?.trim() ?? '');
  return match ? Number(match[1]) : -1;
}

async function readSmall(response: http.IncomingMessage): Promise<string> {
  let text = '';
  try {
    for await (const chunk of response) {
      if (text.length < 500) text += (chunk as Buffer).toString('utf8');
    }
  } catch {
    // The body of a refusal is only a detail for the message.
  }
  return text.slice(0, 300);
}
