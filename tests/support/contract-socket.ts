import WebSocket from 'ws';
import type { BrowserHost } from '../../main/host/browser-host';
import { HOST_COOKIE, CONTRACT_PATH } from '../../main/host/browser-host';

export interface SocketClient {
  readonly socket: WebSocket;
  /** Sends a raw text or binary frame and resolves with the next reply (not event) message. */
  send(raw: string | Buffer): Promise<unknown>;
  call(name: string, input: unknown): Promise<unknown>;
  /** Resolves with the next pushed event of that name. */
  nextEvent(name: string): Promise<unknown>;
  closed(): Promise<number>;
}

/** A WebSocket client of the browser host's contract endpoint, as a browser page would open it. */
export function connectContract(
  host: BrowserHost,
  options: { cookie?: string | null; origin?: string | null; maxPayload?: number; path?: string } = {},
): Promise<SocketClient> {
  const headers: Record<string, string> = {};
  // A session of its own, as a page gets after its launch address.
  const cookie = options.cookie === undefined ? `${HOST_COOKIE}=${host.openSession()}` : options.cookie;
  if (cookie !== null) headers.cookie = cookie;
  const origin = options.origin === undefined ? host.origin : options.origin;
  const socket = new WebSocket(`ws://127.0.0.1:${host.port}${options.path ?? CONTRACT_PATH}`, {
    headers,
    ...(origin !== null && { origin }),
  });
  const replies: ((message: unknown) => void)[] = [];
  const eventWaiters = new Map<string, ((payload: unknown) => void)[]>();
  let nextId = 1;
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString()) as { event?: string; payload?: unknown };
    if (typeof message.event === 'string') {
      const waiters = eventWaiters.get(message.event) ?? [];
      eventWaiters.delete(message.event);
      for (const waiter of waiters) waiter(message.payload);
      return;
    }
    replies.shift()?.(message);
  });
  const client: SocketClient = {
    socket,
    send: (raw) =>
      new Promise((resolve) => {
        replies.push(resolve);
        socket.send(raw);
      }),
    call: async (name, input) => {
      const id = nextId++;
      const reply = (await client.send(JSON.stringify({ id, name, input }))) as { id: number; result: unknown };
      if (reply.id !== id) throw new Error(`reply for ${reply.id}, expected ${id}`);
      return reply.result;
    },
    nextEvent: (name) =>
      new Promise((resolve) => {
        const waiters = eventWaiters.get(name) ?? [];
        waiters.push(resolve);
        eventWaiters.set(name, waiters);
      }),
    closed: () => new Promise((resolve) => socket.once('close', (code) => resolve(code))),
  };
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(client));
    socket.once('unexpected-response', (request, response) => {
      // With this listener, ws leaves the refused request open: end it ourselves.
      request.destroy();
      reject(new Error(`HTTP ${response.statusCode}`));
    });
    socket.once('error', reject);
  });
}
