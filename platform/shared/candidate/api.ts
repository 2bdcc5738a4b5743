import { QueueEntry } from '@common/platform/queue';
import { API_PREFIX } from '@common/platform/wire';
import type { FetchLike, ResponseLike } from './ports';

/**
 * A candidate device's HTTP actions (platform/routes/candidate.ts), authenticated with the
 * device token as a bearer token. Each answers with the candidate's own view of their queue entry.
 */
export type CandidateAction = 'check-in' | 'face' | 'ready' | 'join';

export type ActionResult =
  | { readonly ok: true; readonly entry: QueueEntry }
  | { readonly ok: false; readonly status: number; readonly code: string; readonly message: string };

export class CandidateApi {
  readonly #fetch: FetchLike;
  /** The platform's origin, e.g. `http://127.0.0.1:4100` (no path, no trailing slash). */
  readonly #platformUrl: string;
  readonly #token: string;

  constructor(fetch: FetchLike, platformUrl: string, token: string) {
    this.#fetch = fetch;
    this.#platformUrl = platformUrl;
    this.#token = token;
  }

  state(): Promise<ActionResult> {
    return this.#request('GET', 'state');
  }

  act(action: CandidateAction, body?: unknown): Promise<ActionResult> {
    return this.#request('POST', action, body);
  }

  /** The realtime socket's address; browsers cannot set headers on a WebSocket, so the token rides in the query. */
  realtimeUrl(): string {
    return `${this.#platformUrl.replace(/^http/, 'ws')}${API_PREFIX}/realtime?token=${encodeURIComponent(this.#token)}`;
  }

  async #request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<ActionResult> {
    // Called unbound: a browser's fetch refuses any `this` but the window.
    const fetch = this.#fetch;
    let response: ResponseLike;
    try {
      response = await fetch(`${this.#platformUrl}${API_PREFIX}/candidate/${path}`, {
        method,
        headers: { authorization: `Bearer ${this.#token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
    } catch (error) {
      return { ok: false, status: 0, code: 'network', message: error instanceof Error ? error.message : String(error) };
    }
    const json: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const error = (json as { error?: { code?: unknown; message?: unknown } } | null)?.error;
      return { ok: false, status: response.status, code: String(error?.code ?? 'http'), message: String(error?.message ?? response.statusText) };
    }
    const entry = QueueEntry.safeParse(json);
    if (!entry.success) return { ok: false, status: response.status, code: 'bad_response', message: 'the answer is not a queue entry' };
    return { ok: true, entry: entry.data };
  }
}
