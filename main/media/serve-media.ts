import { planFileResponse, type ConditionalHeaders } from '@common/http/byte-ranges';
import { SECURITY_HEADERS } from '../security/csp';

/** A file the renderer may play, as the media library found it for an id. */
export interface ServedMedia {
  readonly file: string;
  readonly size: number;
  readonly contentType: string;
  /** Strong: the sha256 of a recording, the media id of an artefact (each names one immutable file). */
  readonly etag: string;
  /**
   * A file to save rather than play (the chief's results files): served as an attachment under
   * this name, and only with one of DOWNLOAD_CONTENT_TYPES.
   */
  readonly download?: { readonly fileName: string };
}

/**
 * The most a range answer to the player carries. Paused, Chromium reads a seek's keyframe through
 * open-ended ranges (`bytes=N-`), takes what it needs and cancels the rest, which closes the
 * connection; answers of a quarter megabyte end on their own and leave it open for the next part.
 * In the review bench, seek p95 went from 188-204 ms to 116-146 ms (same machine, interleaved
 * runs); a larger part (1 MB) gained less. The player asks again for what follows, as RFC 9110
 * allows a 206 to be shorter than the range asked for.
 */
export const RANGE_PART_BYTES = 256 * 1024;

export interface MediaLookup {
  /** The file behind a media id for the signed-in examiner; null for anything else (unknown, not theirs, not ready). */
  lookup(mediaId: string): ServedMedia | null;
}

export interface MediaReplyPlan {
  /** 403: the file's type is not one the player plays (see `playableContentType`). */
  readonly status: 200 | 206 | 304 | 403 | 404 | 416;
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
  if (media === null) return { status: 404, headers: { ...SECURITY_HEADERS, 'cache-control': 'no-store' }, body: null };
  const contentType = media.download ? downloadContentType(media.contentType) : playableContentType(media.contentType);
  if (contentType === null) return { status: 403, headers: { ...SECURITY_HEADERS, 'cache-control': 'no-store' }, body: null };
  const common = {
    ...SECURITY_HEADERS,
    'accept-ranges': 'bytes',
    etag: media.etag,
    // A media id always names the same bytes; still private, as it is one examiner's material.
    'cache-control': 'private, max-age=31536000, immutable',
  };
  const plan = planFileResponse(media.size, media.etag, headers);
  if (plan.status === 304) return { status: 304, headers: common, body: null };
  if (plan.status === 416) return { status: 416, headers: { ...common, 'content-range': `bytes */${String(media.size)}` }, body: null };
  const start = plan.status === 206 ? plan.start : 0;
  // A range for the player is answered in short parts (RANGE_PART_BYTES); a file to save, whole.
  const end = plan.status !== 206 ? media.size - 1 : media.download ? plan.end : Math.min(plan.end, start + RANGE_PART_BYTES - 1);
  const reply = {
    ...common,
    'content-type': contentType,
    ...(media.download && { 'content-disposition': attachment(media.download.fileName) }),
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

/** `type/subtype` of audio, video or an image, and parameters such as `codecs=vp8,opus` or `codecs="avc1.64001f"`. */
const MEDIA_TYPE = /^(audio|video|image)\/([a-z0-9][a-z0-9!#$&^_.+-]{0,126})((?:\s*;\s*[a-z0-9!#$%&'*+.^_`|~-]+=(?:[a-z0-9!#$%&'*+.^_`|~,-]+|"[^"\\\p{Cc}]*"))*)\s*;?$/iu;

/**
 * The Content-Type to serve a file under, or null when it must not be served at all. The type
 * comes from the platform (a recording's) or from the renderer's recorder (evidence), so only
 * what the player plays passes: audio, video and raster images. SVG and other XML images can
 * carry script, and anything else (text/html above all) would run as a page of the app's own
 * origin if it were opened; such a file is refused rather than relabelled.
 */
export function playableContentType(raw: string): string | null {
  const match = MEDIA_TYPE.exec(raw.trim());
  if (!match?.[1] || !match[2]) return null;
  const essence = `${match[1].toLowerCase()}/${match[2].toLowerCase()}`;
  if (/svg|xml/.test(essence)) return null;
  return `${essence}${match[3] ?? ''}`;
}

/**
 * The only types served that are not media: the results workbook and CSV (main/chief), always as
 * an attachment (a download, never a page). Exactly these; anything else with `download` is a 403.
 */
export const DOWNLOAD_CONTENT_TYPES: ReadonlySet<string> = new Set([
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'text/csv; charset=utf-8',
]);

export function downloadContentType(raw: string): string | null {
  return DOWNLOAD_CONTENT_TYPES.has(raw) ? raw : null;
}

/** `attachment` with the name twice (RFC 6266): an ASCII stand-in, and the real name in UTF-8 (RFC 8187). */
export function attachment(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
