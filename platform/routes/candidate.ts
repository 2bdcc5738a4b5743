import type { FastifyInstance, FastifyRequest } from 'fastify';
import { FaceAttempt, NoBody, type Device, type QueueEntry } from '@common/platform/queue';
import type { RoomLogAction } from '@common/platform/room';
import type { PlatformContext } from '../context';
import { HttpError, parseBody, requireDevice } from '../http';
import { candidateEntry, devicesOf, publishEntry } from '../realtime/entries';
import { RoomLogStore, type LogDetail } from '../room/log';
import { QueueStore, type QueueEvent, type QueueRow } from '../state/queue';
import { accepted } from './queue';

/**
 * Actions of a candidate's devices, authenticated by the device's own token. The main device
 * acts; the side device only reads its state (it takes part by being connected to the realtime
 * hub). Answers carry the candidate's own view of the entry, whose `candidateCode` is their place
 * in the queue, never an examiner's code (see realtime/entries.ts). The room log gets each face
 * attempt with its result, and at check-in the devices already connected (the hub logs the
 * devices' comings and goings from then on).
 */
export function candidateRoutes(app: FastifyInstance, ctx: PlatformContext): void {
  const store = new QueueStore(ctx.db, ctx.clock);
  const log = new RoomLogStore(ctx.db, ctx.clock, ctx.accounts);

  const entryOf = (candidateId: string): QueueRow => {
    const row = store.currentEntryOf(candidateId);
    if (!row) throw new HttpError(404, 'not_found', 'this candidate has no place in a live queue');
    return row;
  };

  const mainDevice = (request: FastifyRequest): { candidateId: string; device: Device } => {
    const device = requireDevice(request, ctx.db);
    if (device.device !== 'main') throw new HttpError(403, 'forbidden', 'only the main device does this');
    return device;
  };

  /** What the room log says of an accepted event, from the row before and after; none by default. */
  type Logged = (before: QueueRow, after: QueueRow) => readonly { action: RoomLogAction; detail: LogDetail }[];

  /** `event` reads the body: it runs once the device is known, so a stranger learns nothing from a 400. */
  const act = (request: FastifyRequest, event: (row: QueueRow) => QueueEvent, logged: Logged = () => []): QueueEntry => {
    const { candidateId } = mainDevice(request);
    const current = entryOf(candidateId);
    const row = accepted(store.apply(current.id, event(current)));
    for (const line of logged(current, row)) log.append(row.id, null, line.action, line.detail);
    publishEntry(ctx, store, row);
    return candidateEntry(ctx, store, row);
  };

  app.get('/candidate/state', async (request): Promise<QueueEntry> => {
    const { candidateId } = requireDevice(request, ctx.db);
    return candidateEntry(ctx, store, entryOf(candidateId));
  });

  const noBody = (request: FastifyRequest): void => {
    parseBody(NoBody, request.body);
  };

  app.post('/candidate/check-in', async (request) =>
    act(
      request,
      () => {
        noBody(request);
        return { kind: 'check_in' };
      },
      (_before, after) =>
        (['main', 'side'] as const)
          .filter((device) => ctx.notifier.isOnline(after.candidateId, device))
          .map((device) => ({ action: 'device_connect' as const, detail: { device, reason: 'before_check_in' } })),
    ),
  );

  // `attempt` counts this one: failed attempts are always in a row, since a match leaves checked_in.
  app.post('/candidate/face', async (request) =>
    act(
      request,
      () => ({ kind: 'face', matched: parseBody(FaceAttempt, request.body).matched }),
      (before, after) => [
        {
          action: 'face_check',
          detail: {
            attempt: before.faceAttempts + 1,
            result: after.state === 'face_verified' ? 'passed' : after.state === 'manual_review' ? 'manual_review' : 'failed',
          },
        },
      ],
    ),
  );

  app.post('/candidate/ready', async (request) =>
    act(request, () => {
      noBody(request);
      return { kind: 'ready' };
    }),
  );

  // The examiner's offer follows over the realtime socket, so both cameras must be there first.
  app.post('/candidate/join', async (request) =>
    act(request, (row) => {
      noBody(request);
      return { kind: 'join', devices: devicesOf(ctx, row.candidateId) };
    }),
  );
}
