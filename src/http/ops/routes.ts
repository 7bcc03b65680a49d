import type { FastifyPluginAsync } from 'fastify';
import type { Metrics } from '../../observability/metrics.js';
import type { Readiness } from '../../observability/readiness.js';

/** Liveness, readiness and Prometheus metrics, outside the AEP paths and without credentials. */
export function opsRoutes(deps: { metrics: Metrics; readiness: () => Promise<Readiness> }): FastifyPluginAsync {
  return async (app) => {
    const tags = ['Operations'];
    app.get('/health', { schema: { tags, summary: 'Liveness: the process answers' } }, async () => ({ status: 'ok' }));

    app.get('/ready', { schema: { tags, summary: 'Readiness: database, lake and job queue reachable (503 otherwise)' } }, async (_request, reply) => {
      const readiness = await deps.readiness();
      return reply.status(readiness.status === 'ready' ? 200 : 503).send(readiness);
    });

    app.get('/metrics', { schema: { tags, summary: 'Prometheus metrics' } }, async (_request, reply) => {
      const text = await deps.metrics.render();
      return reply.type(deps.metrics.contentType).send(text);
    });
  };
}
