import { createHash, timingSafeEqual } from 'node:crypto';
import { isIPv4 } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  ADMIN_SECRET_HEADER,
  AdminCandidatesQuery,
  FaultSettings,
  type AdminCandidateList,
  type FaultStatus,
} from '@common/platform/admin';
import { QueueState } from '@common/platform/queue';
import type { PlatformContext } from '../context';
import { faultInjectorOf } from '../faults';
import { HttpError, parseBody } from '../http';

/**
 * The reference platform's admin endpoints: fault injection and the candidate devices' tokens
 * for the simulator. Only loopback peers with the admin secret get an answer; a production
 * platform has no such endpoints.
 */
export function adminRoutes(app: FastifyInstance, ctx: PlatformContext): void {
  void app.register(
    (admin, _opts, done) => {
      admin.addHook('onRequest', async (request) => requireAdmin(request, ctx.adminSecret));

      const faults = faultInjectorOf(ctx);
      admin.get('/faults', async (): Promise<FaultStatus> => faults.status());
      admin.put('/faults', async (request): Promise<FaultStatus> => faults.set(parseBody(FaultSettings, request.body)));
      admin.delete('/faults', async (): Promise<FaultStatus> => faults.set(null));

      admin.get('/candidates', async (request): Promise<AdminCandidateList> => {
        const { slotId } = parseBody(AdminCandidatesQuery, request.query);
        if (!ctx.catalog.slot(slotId)) throw new HttpError(404, 'not_found', 'no such slot');
        return { candidates: candidatesOf(ctx, slotId) };
      });
      done();
    },
    { prefix: '/admin' },
  );
}

/** Loopback first (403), then the secret (401); compared in constant time. */
function requireAdmin(request: FastifyRequest, secret: string): void {
  if (!isLoopback(request.socket.remoteAddress)) {
    throw new HttpError(403, 'forbidden', 'the admin endpoints answer loopback peers only');
  }
  const given = request.headers[ADMIN_SECRET_HEADER];
  if (typeof given !== 'string' || !sameSecret(given, secret)) {
    throw new HttpError(401, 'unauthorized', `the ${ADMIN_SECRET_HEADER} header is missing or wrong`);
  }
}

export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  if (address === '::1') return true;
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return isIPv4(v4) && v4.startsWith('127.');
}

// Hashing first gives equal lengths, so timingSafeEqual leaks neither content nor length.
const digest = (value: string) => createHash('sha256').update(value).digest();
const sameSecret = (given: string, secret: string) => timingSafeEqual(digest(given), digest(secret));

interface CandidateRow {
  candidate_id: string;
  entry_id: string;
  appointment_at: string;
  state: string;
  main_token: string | null;
  side_token: string | null;
}

function candidatesOf(ctx: PlatformContext, slotId: string): AdminCandidateList['candidates'] {
  const rows = ctx.db
    .prepare(
      `SELECT q.candidate_id, q.id AS entry_id, q.appointment_at, q.state, m.token AS main_token, s.token AS side_token
         FROM queue_entries q
         LEFT JOIN device_tokens m ON m.candidate_id = q.candidate_id AND m.device = 'main'
         LEFT JOIN device_tokens s ON s.candidate_id = q.candidate_id AND s.device = 'side'
        WHERE q.slot_id = ?
        ORDER BY q.appointment_at, q.id`,
    )
    .all(slotId) as CandidateRow[];
  return rows.flatMap((row) =>
    // A candidate without both device tokens cannot be simulated; the seed always issues both.
    row.main_token === null || row.side_token === null
      ? []
      : [
          {
            candidateId: row.candidate_id,
            entryId: row.entry_id,
            appointmentAt: row.appointment_at,
            state: QueueState.parse(row.state),
            mainToken: row.main_token,
            sideToken: row.side_token,
          },
        ],
  );
}
