import { z } from 'zod';
import { Device } from '@common/platform/queue';
import type { Lang } from './labels';

/**
 * What one candidate page simulates, from its URL. The device token rides in the fragment
 * (`#token=…&device=main&faceFailures=1`), which the browser never sends to a server, so it
 * stays out of every access log; the page sends it only to the API itself. The camera's shape
 * rides in the query (`?width=640&height=360&fps=15`, `camera=real` for the device's own
 * camera and microphone, `lang=en`), which is no secret.
 */
export interface PageSettings {
  readonly token: string;
  readonly device: Device;
  /** Face verification attempts that fail before one matches (3 reach manual review). */
  readonly faceFailures: number;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  /** The test tone's pitch; main and side differ so a listener can tell them apart. */
  readonly toneHz: number;
  /** The big label drawn into the feed. */
  readonly label: string;
  /** Origin of the platform's API: the page's own, since the platform serves it. */
  readonly platformOrigin: string;
  /** `real`: the device's own camera and microphone (getUserMedia); `canvas`: the simulated picture. */
  readonly camera: 'canvas' | 'real';
  readonly lang: Lang;
}

const TONES: Record<Device, number> = { main: 440, side: 660 };

const count = (min: number, max: number, fallback: number) => z.coerce.number().int().min(min).max(max).default(fallback);

const Fragment = z.object({
  token: z.string().min(1),
  device: Device.default('main'),
  faceFailures: count(0, 10, 0),
});

const Query = z.object({
  width: count(160, 3840, 1280),
  height: count(120, 2160, 720),
  fps: count(1, 60, 30),
  tone: z.coerce.number().min(20).max(20_000).optional(),
  label: z.string().min(1).max(40).optional(),
  camera: z.enum(['canvas', 'real']).default('canvas'),
  lang: z.enum(['zh', 'en']).default('zh'),
});

/** The settings of this page, or a message saying what is wrong with its URL. */
export function readSettings(location: Pick<Location, 'hash' | 'search' | 'origin'>): PageSettings | { readonly problem: string } {
  const fragment = Fragment.safeParse(Object.fromEntries(new URLSearchParams(location.hash.replace(/^#/, ''))));
  if (!fragment.success) {
    const issue = fragment.error.issues[0];
    return { problem: `地址片段需要 #token=…&device=main|side（${issue ? `${issue.path.join('.')}: ${issue.message}` : ''}）` };
  }
  const query = Query.safeParse(Object.fromEntries(new URLSearchParams(location.search)));
  if (!query.success) return { problem: `地址参数有误：${query.error.issues.map((issue) => issue.path.join('.')).join(', ')}` };
  const { token, device, faceFailures } = fragment.data;
  return {
    token,
    device,
    faceFailures,
    width: query.data.width,
    height: query.data.height,
    fps: query.data.fps,
    toneHz: query.data.tone ?? TONES[device],
    label: query.data.label ?? '模拟考生',
    platformOrigin: location.origin,
    camera: query.data.camera,
    lang: query.data.lang,
  };
}
