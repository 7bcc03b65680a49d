import type { FastifyRequest } from 'fastify';
import type { AuthenticatedRequest, AuthenticatedRoutes } from '../auth.js';
import type { FlowService } from '../../services/flow-service/index.js';
import type { EndpointRole } from '../../services/flow-service/endpoint-connections.service.js';
import { header, nextPageHref } from '../paging.js';
import { inletUrl, withInletUrl } from './inlet-url.js';
import { AnyObject, documenter, IdParams, Input, JsonPatch, NoContent, Open } from '../schemas.js';
import {
  ActionQuery,
  Connection,
  CreatedConnection,
  ConnectionSpec,
  EndpointConnection,
  Explored,
  ExploreQuery,
  Flow,
  FlowServiceErrors,
  FlowSpec,
  Items,
  ListQuery,
  Run,
  Written,
} from './schemas.js';
import { Type } from '@sinclair/typebox';

type WithId = AuthenticatedRequest<{ Params: { id: string }; Querystring: Record<string, string> }>;
type Listing = AuthenticatedRequest<{ Querystring: Record<string, unknown> }>;

/** Flow Service at `/data/foundation/flowservice`: single reads come wrapped in `{items:[…]}`, as AEP answers. */
export function flowServiceRoutes(flows: FlowService): AuthenticatedRoutes {
  return async (app) => {
    const next = (request: FastifyRequest) => nextPageHref(request, 'continuationToken');
    const doc = documenter(FlowServiceErrors);
    const list = (summary: string, item: Parameters<typeof Items>[0]) => doc(summary, { querystring: ListQuery, response: { 200: Items(item) } });
    const one = (summary: string, item: Parameters<typeof Items>[0]) => doc(summary, { params: IdParams, response: { 200: Items(item) } });
    const patch = (summary: string) => doc(summary, { params: IdParams, body: JsonPatch, response: { 200: Written } });
    const remove = (summary: string) => doc(summary, { params: IdParams, response: { 204: NoContent } });

    app.get('/connectionSpecs', list('List connection specs', ConnectionSpec), async (request: Listing) =>
      flows.listConnectionSpecs(request.query, next(request)),
    );
    app.get('/connectionSpecs/:id', one('Retrieve a connection spec', ConnectionSpec), async (request: WithId) =>
      flows.getConnectionSpec(request.params.id),
    );
    app.get('/flowSpecs', list('List flow specs', FlowSpec), async (request: Listing) => flows.listFlowSpecs(request.query, next(request)));
    app.get('/flowSpecs/:id', one('Retrieve a flow spec', FlowSpec), async (request: WithId) => flows.getFlowSpec(request.params.id));

    // Base connections.
    app.post(
      '/connections',
      doc('Create a base connection', {
        body: Input({ name: Type.String(), auth: AnyObject, connectionSpec: AnyObject }),
        response: { 201: CreatedConnection },
      }),
      async (request, reply) => {
        const created = await flows.connections.create(request.scope, request.body);
        // An HTTP API inlet answers where to post, as AEP's streaming connections do.
        return reply.status(201).send(created.inletId ? { ...created, inletUrl: inletUrl(request, created.inletId) } : created);
      },
    );
    app.get('/connections', list('List base connections', Connection), async (request: Listing) => {
      const page = await flows.connections.list(request.scope, request.query, next(request));
      return { ...page, items: page.items.map((item) => withInletUrl(request, item)) };
    });
    app.get('/connections/:id', one('Retrieve a base connection', Connection), async (request: WithId) => ({
      items: [withInletUrl(request, await flows.connections.get(request.scope, request.params.id))],
    }));
    app.patch('/connections/:id', patch('Update a base connection (JSON Patch, If-Match)'), async (request: WithId) =>
      flows.connections.patch(request.scope, request.params.id, header(request, 'if-match'), request.body),
    );
    app.delete('/connections/:id', remove('Delete a base connection'), async (request: WithId, reply) => {
      await flows.connections.delete(request.scope, request.params.id);
      return reply.status(204).send();
    });
    app.get(
      '/connections/:id/test',
      doc('Test a base connection against its storage', { params: IdParams, response: { 200: Open({ result: Type.Boolean() }) } }),
      async (request: WithId) => {
        await flows.connections.test(request.scope, request.params.id);
        return { result: true };
      },
    );
    app.get(
      '/connections/:id/explore',
      doc('Browse a connection or preview a file', { params: IdParams, querystring: ExploreQuery, response: { 200: Explored } }),
      async (request: WithId, reply) => {
        const result = await flows.explorer.explore(request.scope, request.params.id, request.query);
        if (result.kind === 'file') return result.body;
        // AEP answers a listing as a bare array; the next page of a huge folder is offered in headers.
        const token = result.page.continuationToken;
        if (token) {
          void reply.header('x-continuation-token', token);
          void reply.header('link', `<${nextPageHref(request, 'continuationToken')(token)}>; rel="next"`);
        }
        return result.page.entries;
      },
    );

    // Source and target connections share one shape.
    const endpointRoutes = (path: string, role: EndpointRole) => {
      app.post(
        path,
        doc(`Create a ${role} connection`, {
          body: Input({ name: Type.String(), baseConnectionId: Type.String(), data: AnyObject, params: AnyObject, connectionSpec: AnyObject }),
          response: { 201: Written },
        }),
        async (request, reply) => reply.status(201).send(await flows.endpoints.create(request.scope, role, request.body)),
      );
      app.get(path, list(`List ${role} connections`, EndpointConnection), async (request: Listing) =>
        flows.endpoints.list(request.scope, role, request.query, next(request)),
      );
      app.get(`${path}/:id`, one(`Retrieve a ${role} connection`, EndpointConnection), async (request: WithId) => ({
        items: [await flows.endpoints.get(request.scope, role, request.params.id)],
      }));
      app.patch(`${path}/:id`, patch(`Update a ${role} connection (JSON Patch, If-Match)`), async (request: WithId) =>
        flows.endpoints.patch(request.scope, role, request.params.id, header(request, 'if-match'), request.body),
      );
      app.delete(`${path}/:id`, remove(`Delete a ${role} connection`), async (request: WithId, reply) => {
        await flows.endpoints.delete(request.scope, role, request.params.id);
        return reply.status(204).send();
      });
    };
    endpointRoutes('/sourceConnections', 'source');
    endpointRoutes('/targetConnections', 'target');

    // Flows.
    app.post(
      '/flows',
      doc('Create a dataflow', {
        body: Input({
          name: Type.String(),
          flowSpec: AnyObject,
          sourceConnectionIds: Type.Array(Type.String()),
          targetConnectionIds: Type.Array(Type.String()),
          transformations: Type.Array(AnyObject),
          scheduleParams: Input({
            startTime: Type.Union([Type.Integer(), Type.String()]),
            frequency: Type.String(),
            interval: Type.Union([Type.Integer(), Type.String()]),
          }),
        }),
        response: { 201: Written },
      }),
      async (request, reply) => reply.status(201).send(await flows.flows.create(request.scope, request.body)),
    );
    app.get('/flows', list('List dataflows', Flow), async (request: Listing) => flows.flows.list(request.scope, request.query, next(request)));
    app.get('/flows/:id', one('Retrieve a dataflow', Flow), async (request: WithId) => ({
      items: [await flows.flows.get(request.scope, request.params.id)],
    }));
    app.patch('/flows/:id', patch('Update a dataflow (JSON Patch, If-Match)'), async (request: WithId) =>
      flows.flows.patch(request.scope, request.params.id, header(request, 'if-match'), request.body),
    );
    app.delete('/flows/:id', remove('Delete a dataflow'), async (request: WithId, reply) => {
      await flows.flows.delete(request.scope, request.params.id);
      return reply.status(204).send();
    });
    // Tributary's addition: why each file of the source was or was not picked.
    app.get(
      '/flows/:id/files',
      doc("Tributary: why each file of the flow's source was or was not taken", { params: IdParams, response: { 200: Items(AnyObject) } }),
      async (request: WithId) => flows.fileDecisions(request.scope, request.params.id),
    );
    // Tributary's addition: run a flow now, scheduled or not (AEP's POST /runs is for flows scheduled once).
    app.post(
      '/flows/:id/runs',
      doc('Tributary: run a dataflow now', { params: IdParams, noBody: true, response: { 201: Written } }),
      async (request: WithId, reply) => reply.status(201).send(await flows.runNow(request.scope, request.params.id)),
    );
    app.post(
      '/flows/:id/action',
      doc('Enable or disable a dataflow (?op=)', { params: IdParams, querystring: ActionQuery, noBody: true, response: { 200: Written } }),
      async (request: WithId) => flows.flows.action(request.scope, request.params.id, String(request.query.op ?? ''), header(request, 'if-match')),
    );

    // Runs.
    app.get('/runs', list('List flow runs', Run), async (request: Listing) => flows.runs.list(request.scope, request.query, next(request)));
    app.post(
      '/runs',
      doc('Start a run of a dataflow scheduled once', { body: Input({ flowId: Type.String() }), response: { 201: Written } }),
      async (request, reply) => reply.status(201).send(await flows.runs.create(request.scope, request.body)),
    );
    app.get('/runs/:id', one('Retrieve a flow run', Run), async (request: WithId) => ({
      items: [await flows.runs.get(request.scope, request.params.id)],
    }));
    app.post(
      '/runs/:id/action',
      doc('Cancel a flow run (?op=cancel)', { params: IdParams, querystring: ActionQuery, noBody: true, response: { 200: Written } }),
      async (request: WithId) => flows.runs.action(request.scope, request.params.id, String(request.query.op ?? '')),
    );
  };
}
