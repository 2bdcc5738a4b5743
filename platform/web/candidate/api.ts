import { QueueEntry } from '@common/platform/queue';
import { API_PREFIX } from '@common/platform/wire';

/**
 * The candidate device's HTTP actions (platform/routes/candidate.ts), authenticated with the
 * device token as a bearer token. Each answers with the candidate's queue entry.
 */
export type CandidateAction = 'check-in' | 'face' | 'ready' | 'join';

export type ActionResult =
  | { readonly ok: true; readonly entry: QueueEntry }
  | { readonly ok: false; readonly status: number; readonly code: string; readonly message: string };

export class CandidateApi {
  constructor(
    private readonly origin: string,
    private readonly token: string,
  ) {}

  state(): Promise<ActionResult> {
    return this.#request('GET', 'state');
  }

  act(action: CandidateAction, body?: unknown): Promise<ActionResult> {
    return this.#request('POST', action, body);
  }

  /** The realtime socket's address; browsers cannot set headers on a WebSocket, so the token rides in the query. */
  realtimeUrl(): string {
    const url = new URL(`${API_PREFIX}/realtime`, this.origin);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('token', this.token);
    return url.toString();
  }

  async #request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<ActionResult> {
    let response: Response;
    try {
      response = await fetch(`${this.origin}${API_PREFIX}/candidate/${path}`, {
        method,
        headers: { authorization: `Bearer ${this.token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
    } catch (error) {
      return { ok: false, status: 0, code: 'network', message: (error as Error).message };
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
