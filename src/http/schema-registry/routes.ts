import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { notFound } from '../../services/errors.js';
import { isPathKind, type Container, type PathKind, type SchemaRegistryService, type ListQuery } from '../../services/schema-registry/index.js';
import { listAccept, resourceAccept } from './accept.js';

interface KindParams {
  container: string;
  kind: string;
}
interface ResourceParams extends KindParams {
  '*': string;
}
type Query = Record<string, string | string[] | undefined>;

function target(params: KindParams): { container: Container; kind: PathKind } {
  if ((params.container !== 'global' && params.container !== 'tenant') || !isPathKind(params.kind)) {
    throw notFound(`No resource collection '/${params.container}/${params.kind}'`, 'XDM-1012-404');
  }
  return { container: params.container, kind: params.kind };
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function listQuery(query: Query): ListQuery {
  const limit = first(query.limit);
  const property = query.property;
  return {
    ...(first(query.orderby) !== undefined ? { orderby: first(query.orderby) } : {}),
    ...(first(query.start) !== undefined ? { start: first(query.start) } : {}),
    ...(limit !== undefined && /^\d+$/.test(limit) ? { limit: Number(limit) } : {}),
    ...(property !== undefined ? { property: Array.isArray(property) ? property : [property] } : {}),
  };
}

/** The resource id of a path: a URL-encoded `$id` or a `meta:altId` (clients sometimes encode twice). */
function resourceId(request: FastifyRequest<{ Params: ResourceParams }>): string {
  const raw = request.params['*'];
  return /%[0-9a-f]{2}/i.test(raw) ? decodeURIComponent(raw) : raw;
}

/** The Schema Registry API (`/data/foundation/schemaregistry`): containers `global` and `tenant`. */
export function schemaRegistryRoutes(registry: SchemaRegistryService): FastifyPluginAsync {
  return async (app) => {
    app.get('/stats', async (request) => registry.stats(request.scope));

    app.get<{ Params: KindParams; Querystring: Query }>('/:container/:kind', async (request) => {
      const { container, kind } = target(request.params);
      const ids = listAccept(request.headers.accept);
      const page = await registry.list(request.scope, container, kind, listQuery(request.query), ids);
      const base = `/data/foundation/schemaregistry/${container}/${kind}`;
      const nextQuery = page._page.next === null ? null : new URLSearchParams({ ...(request.query as Record<string, string>), orderby: page._page.orderby, start: page._page.next });
      return {
        ...page,
        _links: {
          ...(nextQuery ? { next: { href: `${base}?${nextQuery.toString()}` } } : {}),
          global_schemas: { href: '/data/foundation/schemaregistry/global/schemas' },
        },
      };
    });

    app.get<{ Params: ResourceParams }>('/:container/:kind/*', async (request) => {
      const { container, kind } = target(request.params);
      const view = resourceAccept(request.headers.accept);
      return registry.get(request.scope, container, kind, resourceId(request), view);
    });

    app.post<{ Params: KindParams }>('/:container/:kind', async (request, reply) => {
      const { container, kind } = target(request.params);
      if (container !== 'tenant') throw notFound('The global container is read-only; create resources in /tenant', 'XDM-1012-404');
      const created = await registry.create(request.scope, kind, request.body);
      return reply.status(201).send(created);
    });

    app.put<{ Params: ResourceParams }>('/:container/:kind/*', async (request) => {
      const { container, kind } = target(request.params);
      if (container !== 'tenant') throw notFound('The global container is read-only', 'XDM-1012-404');
      return registry.update(request.scope, kind, resourceId(request), { replace: request.body });
    });

    app.patch<{ Params: ResourceParams }>('/:container/:kind/*', async (request) => {
      const { container, kind } = target(request.params);
      if (container !== 'tenant') throw notFound('The global container is read-only', 'XDM-1012-404');
      return registry.update(request.scope, kind, resourceId(request), { patch: request.body });
    });

    app.delete<{ Params: ResourceParams }>('/:container/:kind/*', async (request, reply) => {
      const { container, kind } = target(request.params);
      if (container !== 'tenant') throw notFound('The global container is read-only', 'XDM-1012-404');
      await registry.delete(request.scope, kind, resourceId(request));
      return reply.status(204).send();
    });
  };
}
