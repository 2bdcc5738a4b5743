import { readFileSync } from 'node:fs';
import { isIPv4 } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

/** Configuration of one workstation launch. */
export interface WorkstationConfig {
  /** The platform's base URL; null when none is configured. */
  readonly platformUrl: string | null;
  /** Where the workstation keeps its data (database, media cache, config.json). */
  readonly dataDir: string;
  /** True when `npm start` embedded the reference platform with demo data. */
  readonly demo: boolean;
  /** The ffmpeg to run (ffprobe is looked for beside it); null or absent: ffmpeg-static's binary, else PATH. */
  readonly ffmpegPath?: string | null;
  /** Most the media cache may hold, in GiB (default 20); unscored assignments' recordings are kept whatever it says. */
  readonly mediaCacheGiB?: number;
  /** Days after an assignment is due before its recordings go, once the score is accepted (default 7). */
  readonly purgeAfterDays?: number;
}

/**
 * What the user reads when a plain http:// URL names a host off this machine. Printed before any
 * window exists (so not through the renderer's i18next): Simplified Chinese first, then English.
 */
export const INSECURE_PLATFORM_URL_TEXT = {
  'zh-CN': '考试平台地址必须以 https:// 开头；http:// 仅限本机地址（127.0.0.0/8、::1、localhost），否则令牌和评分将以明文在网络上传输',
  en: 'the platform URL must use https://; plain http:// is only for a loopback host (127.0.0.0/8, ::1, localhost), or the token and the scores would cross the network in the clear',
} as const;

/** True for the hosts whose traffic never leaves this machine: 127.0.0.0/8, ::1 and localhost. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (host === 'localhost' || host === 'localhost.') return true;
  // WHATWG URLs keep IPv6 in brackets and normalise IPv4 (127.1 is 127.0.0.1).
  const address = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return address === '::1' || (isIPv4(address) && address.startsWith('127.'));
}

const PlatformUrl = z
  .url({ protocol: /^https?$/, error: 'the platform URL must be an http:// or https:// URL' })
  .refine((url) => !URL.canParse(url) || new URL(url).protocol !== 'http:' || isLoopbackHost(new URL(url).hostname), {
    error: `${INSECURE_PLATFORM_URL_TEXT['zh-CN']} / ${INSECURE_PLATFORM_URL_TEXT.en}`,
    params: { code: 'insecure_platform_url' },
  })
  .transform((url) => url.replace(/\/+$/, ''));

/** The ConfigError's code for a set of failed checks: the most specific one. */
function codeOf(issues: readonly z.core.$ZodIssue[]): ConfigErrorCode {
  const insecure = issues.some((issue) => issue.code === 'custom' && (issue.params as { code?: unknown } | undefined)?.code === 'insecure_platform_url');
  return insecure ? 'insecure_platform_url' : 'invalid_config';
}

/** `config.json` in the data folder: what a user of the packaged app edits. */
const ConfigFile = z.strictObject({
  platformUrl: PlatformUrl.optional(),
  ffmpegPath: z.string().min(1).max(4096).optional(),
  mediaCacheGiB: z.number().min(1).max(4096).optional(),
  purgeAfterDays: z.number().int().min(0).max(365).optional(),
});

const MediaCacheGiB = z.coerce.number().min(1).max(4096);
const PurgeAfterDays = z.coerce.number().int().min(0).max(365);

/** A number from a flag or variable, checked like the same key in config.json. */
function numberSetting(name: string, raw: string | undefined, schema: z.ZodType<number>): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`${name} ${JSON.stringify(raw)}: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** `insecure_platform_url`: a plain http:// platform URL off this machine; `invalid_config`: anything else. */
export type ConfigErrorCode = 'invalid_config' | 'insecure_platform_url';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    message: string,
    readonly code: ConfigErrorCode = 'invalid_config',
  ) {
    super(message);
  }
}

export interface ConfigSources {
  readonly argv?: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** The host's default data folder (Electron's userData, or an XDG folder for the browser host). */
  readonly defaultDataDir?: string;
}

/**
 * Resolves the configuration: command-line flags over environment variables over the data
 * folder's config.json. A malformed value is a ConfigError that names the source.
 */
export function resolveConfig(sources: ConfigSources = {}): WorkstationConfig {
  const env = sources.env ?? process.env;
  const flags = parseFlags(sources.argv ?? []);
  const dataDir = flags['data-dir'] ?? env.EXAMINER_DATA_DIR ?? sources.defaultDataDir ?? defaultDataDir(env);
  const file = readConfigFile(join(dataDir, 'config.json'));

  const rawUrl = flags['platform-url'] ?? env.EXAMINER_PLATFORM_URL ?? null;
  let platformUrl = file.platformUrl ?? null;
  if (rawUrl !== null && rawUrl !== '') {
    const parsed = PlatformUrl.safeParse(rawUrl);
    if (!parsed.success) {
      throw new ConfigError(`platform URL ${JSON.stringify(rawUrl)}: ${parsed.error.issues[0]?.message}`, codeOf(parsed.error.issues));
    }
    platformUrl = parsed.data;
  }
  const ffmpegPath = nonEmpty(flags['ffmpeg-path']) ?? nonEmpty(env.EXAMINER_FFMPEG_PATH) ?? file.ffmpegPath;
  const mediaCacheGiB = numberSetting('--media-cache-gib', flags['media-cache-gib'] ?? env.EXAMINER_MEDIA_CACHE_GIB, MediaCacheGiB) ?? file.mediaCacheGiB;
  const purgeAfterDays = numberSetting('--purge-after-days', flags['purge-after-days'] ?? env.EXAMINER_PURGE_AFTER_DAYS, PurgeAfterDays) ?? file.purgeAfterDays;
  return {
    platformUrl,
    dataDir,
    demo: env.EXAMINER_DEMO === '1',
    ...(ffmpegPath === undefined ? {} : { ffmpegPath }),
    ...(mediaCacheGiB === undefined ? {} : { mediaCacheGiB }),
    ...(purgeAfterDays === undefined ? {} : { purgeAfterDays }),
  };
}

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share');
  return join(base, 'examiner-workstation');
}

function readConfigFile(path: string): z.infer<typeof ConfigFile> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new ConfigError(`cannot read ${path}: ${(error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ConfigError(`${path} is not valid JSON`);
  }
  const parsed = ConfigFile.safeParse(json);
  if (!parsed.success) {
    throw new ConfigError(`${path}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(file)'}: ${i.message}`).join('; ')}`, codeOf(parsed.error.issues));
  }
  return parsed.data;
}

const FLAGS = ['platform-url', 'data-dir', 'port', 'ffmpeg-path', 'media-cache-gib', 'purge-after-days'] as const;
const KNOWN_FLAGS: ReadonlySet<string> = new Set(FLAGS);

const nonEmpty = (value: string | undefined) => (value === undefined || value === '' ? undefined : value);

/** `--name value` or `--name=value`, for the flags this app knows; anything else is an error. */
export function parseFlags(argv: readonly string[]): Partial<Record<(typeof FLAGS)[number], string>> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match?.[1] || !KNOWN_FLAGS.has(match[1])) throw new ConfigError(`unknown argument ${JSON.stringify(arg)}`);
    const value = match[2] ?? argv[++i];
    if (value === undefined || (match[2] === undefined && value.startsWith('--'))) {
      throw new ConfigError(`--${match[1]} needs a value`);
    }
    out[match[1]] = value;
  }
  return out;
}
