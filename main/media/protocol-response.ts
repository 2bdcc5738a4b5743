import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { planMediaReply, type MediaLookup } from './serve-media';

/**
 * The Electron shell's answer to `app://workstation/media/<id>`: the same plan as the browser
 * host's route (the same type allow-list and security headers), as a fetch Response (what
 * protocol.handle expects), streamed from the file.
 */
export function mediaProtocolResponse(media: MediaLookup, mediaId: string, request: { method: string; headers: Headers }): Response {
  const served = media.lookup(mediaId);
  const plan = planMediaReply(served, request.method, {
    range: request.headers.get('range') ?? undefined,
    ifRange: request.headers.get('if-range') ?? undefined,
    ifNoneMatch: request.headers.get('if-none-match') ?? undefined,
  });
  if (plan.body === null || served === null) {
    const text = plan.status === 404 ? 'not found' : plan.status === 403 ? 'not an audio, video or image type' : null;
    return new Response(text, { status: plan.status, headers: plan.headers });
  }
  const stream = Readable.toWeb(createReadStream(served.file, { start: plan.body.start, end: plan.body.end }));
  return new Response(stream as ReadableStream<Uint8Array>, { status: plan.status, headers: plan.headers });
}
