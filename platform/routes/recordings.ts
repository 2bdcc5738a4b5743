import { open, type FileHandle } from 'node:fs/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { planFileResponse } from '@common/http/byte-ranges';
import { SHA256_HEADER } from '@common/platform/assignments';
import { Id } from '@common/platform/exams';
import type { PlatformContext } from '../context';
import { HttpError, requireExaminer, sendError } from '../http';
import { Calibration } from '../state/calibration';
import { recordingFile, recordingForExaminer, type RecordingRow } from '../state/recordings';

/**
 * Recordings, streamed from disk with byte ranges (to resume a download), a strong ETag from the
 * sha256 (If-Range, If-None-Match) and the sha256 itself (to verify a finished download).
 * Only an examiner whose assignment covers the recording's candidate and slot gets it, or one
 * offered the recording's performance as an anchor (样卷) to calibrate on.
 */
export function recordingRoutes(
  app: FastifyInstance,
  ctx: PlatformContext,
  calibration: Calibration = new Calibration(ctx.db, ctx.catalog, ctx.accounts, ctx.clock),
): void {
  const byId = ctx.db.prepare('SELECT * FROM recordings WHERE id = ?');
  const recordingFor = (examinerId: string, recordingId: string): RecordingRow | null => {
    const assigned = recordingForExaminer(ctx.db, examinerId, recordingId);
    if (assigned && ctx.catalog.sitsOn(examinerId, assigned.slot_id)) return assigned;
    // One none of their assignments covers may still be of an anchor offered to them.
    const row = byId.get(recordingId) as RecordingRow | undefined;
    return row && calibration.offersRecording(examinerId, row) ? row : null;
  };
  app.route<{ Params: { recordingId: string } }>({
    method: ['GET', 'HEAD'],
    url: '/recordings/:recordingId',
    handler: async (request, reply) => {
      const examiner = requireExaminer(request, ctx.accounts);
      const id = Id.safeParse(request.params.recordingId);
      const row = id.success ? recordingFor(examiner.id, id.data) : null;
      if (!row) throw new HttpError(404, 'not_found', 'no such recording');
      return sendRecording(request, reply, row, await openRecording(ctx.mediaDir, row));
    },
  });
}

/**
 * Opens the file first and checks its size against the row, so that what is sent is one file
 * even if it were replaced while being served.
 */
async function openRecording(mediaDir: string | null, row: RecordingRow): Promise<FileHandle> {
  const file = recordingFile(mediaDir, row);
  let handle: FileHandle | null = null;
  try {
    if (file === null) throw new Error('no media folder');
    handle = await open(file, 'r');
    if ((await handle.stat()).size === row.bytes) return handle;
  } catch {
    // Missing or unreadable: the same answer as a changed file, below.
  }
  await handle?.close();
  throw new HttpError(503, 'recording_unavailable', 'the recording is not available right now');
}

function sendRecording(request: FastifyRequest, reply: FastifyReply, row: RecordingRow, handle: FileHandle): FastifyReply {
  const etag = `"${row.sha256}"`;
  const size = row.bytes;
  const plan = planFileResponse(size, etag, {
    range: request.headers.range,
    ifRange: header(request.headers['if-range']),
    ifNoneMatch: request.headers['if-none-match'],
  });
  reply
    .header('accept-ranges', 'bytes')
    .header('etag', etag)
    .header(SHA256_HEADER, row.sha256)
    .header('cache-control', 'private, no-cache');

  if (plan.status === 304 || plan.status === 416 || request.method === 'HEAD') void handle.close();
  if (plan.status === 304) return reply.code(304).send();
  if (plan.status === 416) {
    reply.header('content-range', `bytes */${String(size)}`);
    return sendError(reply, 416, 'range_not_satisfiable', `the recording has ${String(size)} bytes`);
  }

  const start = plan.status === 206 ? plan.start : 0;
  const end = plan.status === 206 ? plan.end : size - 1;
  reply.code(plan.status).type(row.content_type).header('content-length', String(end - start + 1));
  if (plan.status === 206) reply.header('content-range', `bytes ${String(start)}-${String(end)}/${String(size)}`);
  if (request.method === 'HEAD') return reply.send();
  // An empty file has no byte range to read: createReadStream's `end` is inclusive.
  if (size === 0) {
    void handle.close();
    return reply.send('');
  }
  return reply.send(handle.createReadStream({ start, end }));
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
