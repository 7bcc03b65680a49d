import type { FastifyRequest } from 'fastify';
import type { AuthenticatedRequest, AuthenticatedRoutes } from '../auth.js';
import type { FlowService } from '../../services/flow-service/index.js';
import type { EndpointRole } from '../../services/flow-service/endpoint-connections.service.js';
import { header, nextPageHref } from '../paging.js';
import { inletUrl, withInletUrl } from './inlet-url.js';

type WithId = AuthenticatedRequest<{ Params: { id: string }; Querystring: Record<string, string> }>;
type Listing = AuthenticatedRequest<{ Querystring: Record<string, unknown> }>;

/** Flow Service at `/data/foundation/flowservice`: single reads come wrapped in `{items:[…]}`, as AEP answers. */
export function flowServiceRoutes(flows: FlowService): AuthenticatedRoutes {
  return async (app) => {
    const next = (request: FastifyRequest) => nextPageHref(request, 'continuationToken');

    app.get('/connectionSpecs', async (request: Listing) => flows.listConnectionSpecs(request.query, next(request)));
    app.get('/connectionSpecs/:id', async (request: WithId) => flows.getConnectionSpec(request.params.id));
    app.get('/flowSpecs', async (request: Listing) => flows.listFlowSpecs(request.query, next(request)));
    app.get('/flowSpecs/:id', async (request: WithId) => flows.getFlowSpec(request.params.id));

    // Base connections.
    app.post('/connections', async (request, reply) => {
      const created = await flows.connections.create(request.scope, request.body);
      // An HTTP API inlet answers where to post, as AEP's streaming connections do.
      return reply.status(201).send(created.inletId ? { ...created, inletUrl: inletUrl(request, created.inletId) } : created);
    });
    app.get('/connections', async (request: Listing) => {
      const page = await flows.connections.list(request.scope, request.query, next(request));
      return { ...page, items: page.items.map((item) => withInletUrl(request, item)) };
    });
    app.get('/connections/:id', async (request: WithId) => ({
      items: [withInletUrl(request, await flows.connections.get(request.scope, request.params.id))],
    }));
    app.patch('/connections/:id', async (request: WithId) =>
      flows.connections.patch(request.scope, request.params.id, header(request, 'if-match'), request.body),
    );
    app.delete('/connections/:id', async (request: WithId, reply) => {
      await flows.connections.delete(request.scope, request.params.id);
      return reply.status(204).send();
    });
    app.get('/connections/:id/test', async (request: WithId) => {
      await flows.connections.test(request.scope, request.params.id);
      return { result: true };
    });
    app.get('/connections/:id/explore', async (request: WithId, reply) => {
      const result = await flows.explorer.explore(request.scope, request.params.id, request.query);
      if (result.kind === 'file') return result.body;
      // AEP answers a listing as a bare array; the next page of a huge folder is offered in headers.
      const token = result.page.continuationToken;
      if (token) {
        void reply.header('x-continuation-token', token);
        void reply.header('link', `<${nextPageHref(request, 'continuationToken')(token)}>; rel="next"`);
      }
      return result.page.entries;
    });

    // Source and target connections share one shape.
    const endpointRoutes = (path: string, role: EndpointRole) => {
      app.post(path, async (request, reply) => reply.status(201).send(await flows.endpoints.create(request.scope, role, request.body)));
      app.get(path, async (request: Listing) => flows.endpoints.list(request.scope, role, request.query, next(request)));
      app.get(`${path}/:id`, async (request: WithId) => ({ items: [await flows.endpoints.get(request.scope, role, request.params.id)] }));
      app.patch(`${path}/:id`, async (request: WithId) =>
        flows.endpoints.patch(request.scope, role, request.params.id, header(request, 'if-match'), request.body),
      );
      app.delete(`${path}/:id`, async (request: WithId, reply) => {
        await flows.endpoints.delete(request.scope, role, request.params.id);
        return reply.status(204).send();
      });
    };
    endpointRoutes('/sourceConnections', 'source');
    endpointRoutes('/targetConnections', 'target');

    // Flows.
    app.post('/flows', async (request, reply) => reply.status(201).send(await flows.flows.create(request.scope, request.body)));
    app.get('/flows', async (request: Listing) => flows.flows.list(request.scope, request.query, next(request)));
    app.get('/flows/:id', async (request: WithId) => ({ items: [await flows.flows.get(request.scope, request.params.id)] }));
    app.patch('/flows/:id', async (request: WithId) =>
      flows.flows.patch(request.scope, request.params.id, header(request, 'if-match'), request.body),
    );
    app.delete('/flows/:id', async (request: WithId, reply) => {
      await flows.flows.delete(request.scope, request.params.id);
      return reply.status(204).send();
    });
    // Tributary's addition: why each file of the source was or was not picked.
    app.get('/flows/:id/files', async (request: WithId) => flows.fileDecisions(request.scope, request.params.id));
    // Tributary's addition: run a flow now, scheduled or not (AEP's POST /runs is for flows scheduled once).
    app.post('/flows/:id/runs', async (request: WithId, reply) => reply.status(201).send(await flows.runNow(request.scope, request.params.id)));
    app.post('/flows/:id/action', async (request: WithId) =>
      flows.flows.action(request.scope, request.params.id, String(request.query.op ?? ''), header(request, 'if-match')),
    );

    // Runs.
    app.get('/runs', async (request: Listing) => flows.runs.list(request.scope, request.query, next(request)));
    app.post('/runs', async (request, reply) => reply.status(201).send(await flows.runs.create(request.scope, request.body)));
    app.get('/runs/:id', async (request: WithId) => ({ items: [await flows.runs.get(request.scope, request.params.id)] }));
    app.post('/runs/:id/action', async (request: WithId) => flows.runs.action(request.scope, request.params.id, String(request.query.op ?? '')));
  };
}
