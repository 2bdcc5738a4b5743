import { createReadStream } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { planMediaReply, type MediaLookup } from './serve-media';

/**
 * `GET/HEAD /media/:mediaId` on the browser host, with byte ranges. It sits behind the host's
 * own checks (loopback, Host, Origin, the launch secret's cookie) like every other route.
 */
export function registerMediaRoute(app: FastifyInstance, media: MediaLookup): void {
  app.route<{ Params: { mediaId: string } }>({
    method: ['GET', 'HEAD'],
    url: '/media/:mediaId',
    handler: async (request, reply) => {
      const served = media.lookup(request.params.mediaId);
      const plan = planMediaReply(served, request.method, {
        range: request.headers.range,
        ifRange: single(request.headers['if-range']),
        ifNoneMatch: request.headers['if-none-match'],
      });
      reply.code(plan.status).headers(plan.headers);
      if (plan.status === 404) return reply.send({ error: { code: 'not_found', message: 'no such media' } });
      if (plan.status === 403) return reply.send({ error: { code: 'forbidden', message: 'not an audio, video or image type' } });
      if (plan.body === null || served === null) return reply.send();
      return reply.send(createReadStream(served.file, { start: plan.body.start, end: plan.body.end }));
    },
  });
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
