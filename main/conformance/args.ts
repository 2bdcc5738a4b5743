import { parseArgs } from 'node:util';

export const USAGE = 'usage: npm run conformance -- --platform URL --user U --password P [--exam ID]  (or the password in CONFORMANCE_PASSWORD)';

/** Where the password may come from instead of --password, which other users see in the process list. */
export const PASSWORD_VARIABLE = 'CONFORMANCE_PASSWORD';

/** What the check is pointed at: the platform, the examiner account it signs in as, and optionally the test exam to use. */
export interface ConformanceOptions {
  /** The platform's origin, e.g. https://exam.example.com (a path after it is ignored, as the workstation's config does). */
  readonly platform: string;
  readonly user: string;
  readonly password: string;
  /** The exam to write into; it must be a test exam. Null: the first test exam the account sits on. */
  readonly exam: string | null;
}

export type ParsedArgs =
  | { readonly kind: 'run'; readonly options: ConformanceOptions }
  | { readonly kind: 'help' }
  /** A line saying what is wrong with the arguments (the caller prints it with the usage and exits 2). */
  | { readonly kind: 'error'; readonly message: string };

/** The command line, checked: every required option once, a http(s) URL, nothing unknown; the password from it or from the environment. */
export function parseConformanceArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = {}): ParsedArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        platform: { type: 'string' },
        user: { type: 'string' },
        password: { type: 'string' },
        exam: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return { kind: 'error', message: (error as Error).message };
  }
  if (values.help) return { kind: 'help' };
  const password = values.password ?? env[PASSWORD_VARIABLE] ?? '';
  const missing = (['platform', 'user', 'password'] as const).filter((name) => (name === 'password' ? password : (values[name] ?? '')) === '');
  if (missing.length > 0) return { kind: 'error', message: `missing ${missing.map((name) => `--${name}`).join(', ')}` };
  const platform = values.platform ?? '';
  if (!isHttpUrl(platform)) return { kind: 'error', message: `--platform must be an http:// or https:// URL, not ${platform}` };
  if (values.exam === '') return { kind: 'error', message: '--exam needs an exam id' };
  return { kind: 'run', options: { platform, user: values.user ?? '', password, exam: values.exam ?? null } };
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
