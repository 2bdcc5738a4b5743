import type { WebSocket } from 'ws';
import { z } from 'zod';
import { fail, type WireEvent, type WireReply } from '@common/contract';
import type { Logger } from '../log';
import type { Workstation } from '../workstation';

const WireCall = z.strictObject({
  id: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  name: z.string().max(200),
  input: z.unknown(),
});

/**
 * One renderer connected to the browser host: each message is a contract call answered by the
 * shared dispatcher, and every workstation event is pushed down the same socket.
 */
export function handleContractSocket(socket: WebSocket, workstation: Workstation, log: Logger): void {
  const send = (message: WireReply | WireEvent) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
  };
  const unsubscribe = workstation.events.subscribe((event, payload) => send({ event, payload }));

  socket.on('message', (data, isBinary) => {
    if (isBinary) {
      send({ id: null, result: fail('bad_request', 'messages are JSON text') });
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(data.toString());
    } catch {
      send({ id: null, result: fail('bad_request', 'message is not valid JSON') });
      return;
    }
    const call = WireCall.safeParse(json);
    if (!call.success) {
      const id = typeof (json as { id?: unknown } | null)?.id === 'number' ? (json as { id: number }).id : null;
      send({ id, result: fail('bad_request', 'a call is { id, name, input }') });
      return;
    }
    const { id, name, input } = call.data;
    workstation
      .dispatch(name, input, { transport: 'browser' })
      .then((result) => send({ id, result }))
      .catch((error: unknown) => {
        // dispatch never rejects; this is a guard against a future regression, not a path.
        log.error('dispatch rejected', { error });
        send({ id, result: fail('internal', 'dispatch failed') });
      });
  });
  socket.on('close', unsubscribe);
  socket.on('error', (error) => log.warn('contract socket error', { error }));
}
