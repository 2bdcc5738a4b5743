import { planFileResponse, type ConditionalHeaders } from '@common/http/byte-ranges';

/** A file the renderer may play, as the media library found it for an id. */
export interface ServedMedia {
  readonly file: string;
  readonly size: number;
  readonly contentType: string;
  /** Strong: the sha256 of a recording, the media id of an artefact (each names one immutable file). */
  readonly etag: string;
}

export interface MediaLookup {
  /** The file behind a media id for the signed-in examiner; null for anything else (unknown, not theirs, not ready). */
  lookup(mediaId: string): ServedMedia | null;
}

export interface MediaReplyPlan {
  readonly status: 200 | 206 | 304 | 404 | 416;
  readonly headers: Readonly<Record<string, string>>;
  /** Inclusive byte range of the file to send; null: no body. */
  readonly body: { readonly start: number; readonly end: number } | null;
}

/**
 * How to answer a GET or HEAD of `/media/<id>` (browser host) or `app://workstation/media/<id>`
 * (Electron): the same byte-range rules as the platform's recordings (common/http/byte-ranges),
 * so the player can seek by range in both hosts.
 */
export function planMediaReply(media: ServedMedia | null, method: string, headers: ConditionalHeaders): MediaReplyPlan {
  if (media === null) return { status: 404, headers: { 'cache-control': 'no-store' }, body: null };
  const common = {
    'accept-ranges': 'bytes',
    etag: media.etag,
    // A media id always names the same bytes; still private, as it is one examiner's material.
    'cache-control': 'private, max-age=31536000, immutable',
  };
  const plan = planFileResponse(media.size, media.etag, headers);
  if (plan.status === 304) return { status: 304, headers: common, body: null };
  if (plan.status === 416) return { status: 416, headers: { ...common, 'content-range': `bytes */${String(media.size)}` }, body: null };
  const start = plan.status === 206 ? plan.start : 0;
  const end = plan.status === 206 ? plan.end : media.size - 1;
  const reply = {
    ...common,
    'content-type': media.contentType,
    'content-length': String(Math.max(0, end - start + 1)),
    ...(plan.status === 206 ? { 'content-range': `bytes ${String(start)}-${String(end)}/${String(media.size)}` } : {}),
  };
  const hasBody = method !== 'HEAD' && media.size > 0;
  return { status: plan.status, headers: reply, body: hasBody ? { start, end } : null };
}

/** The media id in a `/media/<id>` path, or null. */
export function mediaIdFromPath(pathname: string): string | null {
  const match = /^\/media\/([^/]+)$/.exec(pathname);
  return match?.[1] ?? null;
}
