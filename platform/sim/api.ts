import { QueueEntry } from '@common/platform/queue';
import { API_PREFIX } from '@common/platform/wire';

/**
 * A candidate device's HTTP actions (platform/routes/candidate.ts) with its device token; each
 * answers with the candidate's own view of their queue entry. The same calls as the candidate
 * page's (platform/web/candidate/api.ts), from Node.
 */
export type CandidateAction = 'check-in' | 'face' | 'ready' | 'join';

export type ActionResult =
  | { readonly ok: true; readonly entry: QueueEntry }
  | { readonly ok: false; readonly status: number; readonly code: string; readonly message: string };

export class CandidateApi {
  constructor(
    private readonly platformUrl: string,
    private readonly token: string,
  ) {}

  state(): Promise<ActionResult> {
    return this.#request('GET', 'state');
  }

  act(action: CandidateAction, body?: unknown): Promise<ActionResult> {
    return this.#request('POST', action, body);
  }

  realtimeUrl(): string {
    const url = new URL(`${API_PREFIX}/realtime`, this.platformUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('token', this.token);
    return url.toString();
  }

  async #request(method: 'GET' | 'POST', path: string, body?: unknown): Promise<ActionResult> {
    let response: Response;
    try {
      response = await fetch(`${this.platformUrl}${API_PREFIX}/candidate/${path}`, {
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
