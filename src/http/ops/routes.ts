import type { FastifyPluginAsync } from 'fastify';
import type { Metrics } from '../../observability/metrics.js';
import type { Readiness } from '../../observability/readiness.js';
import { type Static, Type } from '@sinclair/typebox';
import { Binary, Open } from '../schemas.js';

const Check = Open({ ok: Type.Boolean(), error: Type.Optional(Type.String()) });
export const ReadinessReport = Open({
  status: Type.String({ enum: ['ready', 'unavailable'] }),
  checks: Open({ database: Check, lake: Check, queue: Check }),
});
export type ReadinessReport = Static<typeof ReadinessReport>;

/** Liveness, readiness and Prometheus metrics, outside the AEP paths and without credentials. */
export function opsRoutes(deps: { metrics: Metrics; readiness: () => Promise<Readiness> }): FastifyPluginAsync {
  return async (app) => {
    const tags = ['Operations'];
    app.get(
      '/health',
      { schema: { tags, summary: 'Liveness: the process answers', response: { 200: Open({ status: Type.String() }) } } },
      async () => ({ status: 'ok' }),
    );

    app.get(
      '/ready',
      {
        schema: {
          tags,
          summary: 'Readiness: database, lake and job queue reachable (503 otherwise)',
          response: { 200: ReadinessReport, 503: ReadinessReport },
        },
      },
      async (_request, reply) => {
        const readiness = await deps.readiness();
        return reply.status(readiness.status === 'ready' ? 200 : 503).send(readiness);
      },
    );

    app.get(
      '/metrics',
      { schema: { tags, summary: 'Prometheus metrics', response: { 200: Binary('text/plain', 'The Prometheus text exposition format') } } },
      async (_request, reply) => {
        const text = await deps.metrics.render();
        return reply.type(deps.metrics.contentType).send(text);
      },
    );
  };
}
