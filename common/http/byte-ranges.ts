/**
 * How to answer a GET or HEAD of a stored file, from its size, its strong ETag and the request's
 * Range, If-Range and If-None-Match headers (RFC 9110 §13-14). Pure, so each rule has a test.
 * Shared by the platform (recordings for download) and the workstation (media served to the
 * renderer's player, which seeks by range), so both speak HTTP ranges the same way.
 *
 * Requests for several satisfiable ranges (`bytes=0-1,5-6`) are answered with the whole file (200): RFC 9110 lets a
 * server ignore Range, the workstation only ever asks for one range to resume a download, and a
 * multipart/byteranges body is a second format to get wrong for no user.
 */

export interface ConditionalHeaders {
  readonly range?: string | undefined;
  readonly ifRange?: string | undefined;
  readonly ifNoneMatch?: string | undefined;
}

export type FileResponsePlan =
  | { readonly status: 304 }
  | { readonly status: 416 }
  | { readonly status: 200 }
  | { readonly status: 206; readonly start: number; readonly end: number };

export type ByteRange = { readonly kind: 'whole' } | { readonly kind: 'unsatisfiable' } | { readonly kind: 'part'; readonly start: number; readonly end: number };

export function planFileResponse(size: number, etag: string, headers: ConditionalHeaders): FileResponsePlan {
  // If-None-Match wins over Range (§13.2.2) and compares weakly (§13.1.2).
  if (headers.ifNoneMatch !== undefined && noneMatchHits(headers.ifNoneMatch, etag)) return { status: 304 };
  if (headers.range === undefined) return { status: 200 };
  // If-Range compares strongly; a date (we send no Last-Modified) or another tag means "send it all".
  if (headers.ifRange !== undefined && headers.ifRange.trim() !== etag) return { status: 200 };
  const range = parseByteRange(headers.range, size);
  if (range.kind === 'unsatisfiable') return { status: 416 };
  if (range.kind === 'whole') return { status: 200 };
  return { status: 206, start: range.start, end: range.end };
}

const RANGE_SPEC = /^(?:(\d+)-(\d*)|-(\d+))$/;

/**
 * One `Range: bytes=...` header against a file of `size` bytes. Anything not a valid bytes range
 * set, and a set with more than one satisfiable range, is "whole": ignoring Range is always allowed.
 */
export function parseByteRange(header: string, size: number): ByteRange {
  const match = /^\s*bytes\s*=\s*(.*)$/i.exec(header);
  if (!match) return { kind: 'whole' };
  const specs = (match[1] ?? '').split(',').map((spec) => spec.trim());
  const ranges: { start: number; end: number }[] = [];
  for (const spec of specs) {
    if (spec === '') continue; // "bytes=0-1, ," is legal list syntax
    const parts = RANGE_SPEC.exec(spec);
    if (!parts) return { kind: 'whole' };
    const [, first, last, suffix] = parts;
    if (suffix !== undefined) {
      const length = Number(suffix);
      if (length > 0 && size > 0) ranges.push({ start: Math.max(0, size - length), end: size - 1 });
      continue;
    }
    const start = Number(first);
    const end = last === undefined || last === '' ? Infinity : Number(last);
    if (end < start) return { kind: 'whole' };
    if (start < size) ranges.push({ start, end: Math.min(end, size - 1) });
  }
  if (specs.every((spec) => spec === '')) return { kind: 'whole' };
  const [only, ...more] = ranges;
  if (!only) return { kind: 'unsatisfiable' };
  if (more.length > 0) return { kind: 'whole' };
  return { kind: 'part', start: only.start, end: only.end };
}

function noneMatchHits(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => opaque(tag) === opaque(etag));
}
