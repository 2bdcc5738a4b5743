import {
  fail,
  isCommandName,
  isEventName,
  type EventName,
  type ExaminerApi,
  type Result,
  type WireEvent,
  type WireReply,
} from '@common/contract';

const CONTRACT_PATH = '/contract';

interface Pending {
  resolve: (result: Result<unknown>) => void;
}

/**
 * `window.examiner` for the browser host: the same contract over a WebSocket to the host's
 * dispatcher. The host authenticated this page with an HttpOnly cookie, which the browser
 * sends on the upgrade. Calls never reject: a lost host is `host_unreachable`.
 */
export function createSocketBridge(location: Location = window.location): ExaminerApi {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${CONTRACT_PATH}`;
  const pending = new Map<number, Pending>();
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let nextId = 1;
  let socket: WebSocket | null = null;
  let opened: Promise<WebSocket> | null = null;
  let retryMs = 250;

  const connect = (): Promise<WebSocket> => {
    opened ??= new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.addEventListener('open', () => {
        socket = ws;
        retryMs = 250;
        resolve(ws);
      });
      ws.addEventListener('message', (message) => receive(message.data));
      ws.addEventListener('close', () => {
        socket = null;
        opened = null;
        for (const [id, call] of pending) {
          pending.delete(id);
          call.resolve(fail('host_unreachable', 'the connection to the workstation host closed'));
        }
        reject(new Error('closed'));
        // Keep listening for events: reconnect while anyone is subscribed.
        if (listeners.size > 0) {
          setTimeout(() => void connect().catch(() => undefined), retryMs);
          retryMs = Math.min(retryMs * 2, 5_000);
        }
      });
    });
    return opened;
  };

  const receive = (data: unknown) => {
    if (typeof data !== 'string') return;
    let message: Partial<WireReply & WireEvent>;
    try {
      message = JSON.parse(data) as Partial<WireReply & WireEvent>;
    } catch {
      return;
    }
    if (typeof message.event === 'string') {
      if (!isEventName(message.event)) return;
      for (const listener of listeners.get(message.event) ?? []) listener(message.payload);
      return;
    }
    if (typeof message.id === 'number' && message.result) {
      pending.get(message.id)?.resolve(message.result);
      pending.delete(message.id);
    }
  };

  return {
    async invoke(name, input) {
      if (!isCommandName(name)) return fail('unknown_command', `no command named ${String(name)}`);
      let ws: WebSocket;
      try {
        ws = socket ?? (await connect());
      } catch {
        return fail('host_unreachable', 'the workstation host does not answer');
      }
      const id = nextId++;
      return new Promise((resolve) => {
        pending.set(id, { resolve: resolve as (result: Result<unknown>) => void });
        ws.send(JSON.stringify({ id, name, input }));
      });
    },
    on(name, listener) {
      if (!isEventName(name)) throw new TypeError(`no event named ${String(name)}`);
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      const wrapped = listener as (payload: unknown) => void;
      set.add(wrapped);
      void connect().catch(() => undefined);
      return () => {
        set.delete(wrapped);
        if (set.size === 0) listeners.delete(name);
      };
    },
  };
}
