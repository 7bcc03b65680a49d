import type { FastifyRequest } from 'fastify';
import type { AuthenticatedRoutes } from '../auth.js';
import { notFound } from '../../services/errors.js';
import { isPathKind, type Container, type PathKind, type SchemaRegistryService, type ListQuery } from '../../services/schema-registry/index.js';
import { descriptorListAccept, listAccept, resourceAccept } from './accept.js';
import { Type } from '@sinclair/typebox';
import { AnyObject, documenter, NoContent, ObjectOrPatch, ParamsOf } from '../schemas.js';
import {
  AuditEntry,
  DescriptorInput,
  Descriptor,
  DescriptorList,
  ListQuery as ListQuerySchema,
  RegistryErrors,
  RegistryList,
  XdmResource,
} from './schemas.js';

const Star = ParamsOf('*');
const ContainerParams = ParamsOf('container');
const ContainerStar = ParamsOf('container', '*');
const Kind = ParamsOf('container', 'kind');
const KindStar = ParamsOf('container', 'kind', '*');

interface KindParams {
  container: string;
  kind: string;
}
interface ResourceParams extends KindParams {
  '*': string;
}
type Query = Record<string, string | string[] | undefined>;

const BASE = '/data/foundation/schemaregistry';

function target(params: KindParams): { container: Container; kind: PathKind } {
  if ((params.container !== 'global' && params.container !== 'tenant') || !isPathKind(params.kind)) {
    throw notFound(`No resource collection '/${params.container}/${params.kind}'`, 'XDM-1012-404');
  }
  return { container: params.container, kind: params.kind };
}

function containerOf(value: string): Container {
  if (value !== 'global' && value !== 'tenant') throw notFound(`No container '${value}'`, 'XDM-1012-404');
  return value;
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function listQuery(query: Query): ListQuery {
  const orderby = first(query.orderby);
  const start = first(query.start);
  const limit = first(query.limit);
  const property = query.property;
  return {
    ...(orderby !== undefined ? { orderby } : {}),
    ...(start !== undefined ? { start } : {}),
    ...(limit !== undefined && /^\d+$/.test(limit) ? { limit: Number(limit) } : {}),
    ...(property !== undefined ? { property: Array.isArray(property) ? property : [property] } : {}),
  };
}

/** The resource id of a path: a URL-encoded `$id` or a `meta:altId` (clients sometimes encode twice). */
function resourceId(request: FastifyRequest<{ Params: { '*': string } }>): string {
  const raw = request.params['*'];
  return /%[0-9a-f]{2}/i.test(raw) ? decodeURIComponent(raw) : raw;
}

function ifMatch(request: FastifyRequest): { ifMatch?: string } {
  const header = request.headers['if-match'];
  return typeof header === 'string' ? { ifMatch: header } : {};
}

/** `_page` plus `_links`: `next` is the URL of the next page, or null on the last one. */
function withLinks<T extends { _page: { next: string | null; orderby: string } }>(page: T, path: string, query: Query, globalHref: string) {
  const nextQuery =
    page._page.next === null
      ? null
      : new URLSearchParams({ ...(query as Record<string, string>), orderby: page._page.orderby, start: page._page.next });
  return { ...page, _links: { next: nextQuery ? `${BASE}${path}?${nextQuery.toString()}` : null, global_schemas: { href: `${BASE}${globalHref}` } } };
}

/** The Schema Registry API (`/data/foundation/schemaregistry`): containers `global` and `tenant`, descriptors, unions, rpc. */
export function schemaRegistryRoutes(registry: SchemaRegistryService): AuthenticatedRoutes {
  return async (app) => {
    const doc = documenter(RegistryErrors);
    app.get('/stats', doc('What the tenant holds: counts and recent changes', { response: { 200: AnyObject } }), async (request) =>
      registry.stats(request.scope),
    );

    // ── rpc ──
    app.get<{ Params: { '*': string } }>(
      '/rpc/sampledata/*',
      doc('A sample record of a schema', { params: Star, response: { 200: AnyObject } }),
      async (request) => registry.sampleData(request.scope, resourceId(request)),
    );
    app.get<{ Params: { '*': string } }>(
      '/rpc/export/*',
      doc('Export a resource with what it depends on', { params: Star, response: { 200: Type.Array(XdmResource) } }),
      async (request) => registry.exportResource(request.scope, resourceId(request)),
    );
    app.post(
      '/rpc/import',
      doc('Import resources exported by /rpc/export', { body: Type.Array(AnyObject), response: { 200: Type.Array(XdmResource) } }),
      async (request) => registry.importResources(request.scope, request.body),
    );
    app.get<{ Params: { '*': string } }>(
      '/rpc/auditlog/*',
      doc('The changes made to a resource', { params: Star, response: { 200: Type.Array(AuditEntry) } }),
      async (request) => registry.auditLog(request.scope, resourceId(request)),
    );

    // ── unions (computed from the schemas enabled for them) ──
    app.get<{ Querystring: Query }>(
      '/tenant/unions',
      doc('List the unions of the tenant', { querystring: ListQuerySchema, response: { 200: RegistryList } }),
      async (request) => {
        const ids = listAccept(request.headers.accept);
        return withLinks(await registry.listUnions(request.scope, listQuery(request.query), ids), '/tenant/unions', request.query, '/global/schemas');
      },
    );
    app.get<{ Params: { '*': string } }>(
      '/tenant/unions/*',
      doc('Retrieve a union', { params: Star, response: { 200: XdmResource } }),
      async (request) => registry.getUnion(request.scope, resourceId(request), resourceAccept(request.headers.accept)),
    );

    // ── descriptors ──
    app.get<{ Params: { container: string }; Querystring: Query }>(
      '/:container/descriptors',
      doc('List descriptors', { params: ContainerParams, querystring: ListQuerySchema, response: { 200: DescriptorList } }),
      async (request) => {
        const container = containerOf(request.params.container);
        const view = descriptorListAccept(request.headers.accept);
        const listed = await registry.listDescriptors(request.scope, container, view, listQuery(request.query));
        return view.paged ? withLinks(listed as never, `/${container}/descriptors`, request.query, '/global/descriptors') : listed;
      },
    );
    // Descriptors are not versioned: a lookup needs no Accept header.
    app.get<{ Params: { container: string; '*': string } }>(
      '/:container/descriptors/*',
      doc('Retrieve a descriptor', { params: ContainerStar, response: { 200: Descriptor } }),
      async (request) => registry.getDescriptor(request.scope, containerOf(request.params.container), resourceId(request)),
    );
    app.post('/tenant/descriptors', doc('Create a descriptor', { body: DescriptorInput, response: { 201: Descriptor } }), async (request, reply) =>
      reply.status(201).send(await registry.createDescriptor(request.scope, request.body)),
    );
    app.put<{ Params: { '*': string } }>(
      '/tenant/descriptors/*',
      doc('Replace a descriptor', { params: Star, body: DescriptorInput, response: { 200: Descriptor } }),
      async (request) => registry.replaceDescriptor(request.scope, resourceId(request), request.body),
    );
    app.delete<{ Params: { '*': string } }>(
      '/tenant/descriptors/*',
      doc('Delete a descriptor', { params: Star, response: { 204: NoContent } }),
      async (request, reply) => {
        await registry.deleteDescriptor(request.scope, resourceId(request));
        return reply.status(204).send();
      },
    );

    // ── classes, field groups (mixins), data types, behaviors, schemas ──
    app.get<{ Params: KindParams; Querystring: Query }>(
      '/:container/:kind',
      doc('List classes, field groups, data types, behaviors or schemas', {
        params: Kind,
        querystring: ListQuerySchema,
        response: { 200: RegistryList },
      }),
      async (request) => {
        const { container, kind } = target(request.params);
        const ids = listAccept(request.headers.accept);
        const page = await registry.list(request.scope, container, kind, listQuery(request.query), ids);
        return withLinks(page, `/${container}/${kind}`, request.query, '/global/schemas');
      },
    );

    app.get<{ Params: ResourceParams }>(
      '/:container/:kind/*',
      doc('Retrieve a resource in the form the Accept header asks for', { params: KindStar, response: { 200: XdmResource } }),
      async (request) => {
        const { container, kind } = target(request.params);
        const view = resourceAccept(request.headers.accept);
        return registry.get(request.scope, container, kind, resourceId(request), view);
      },
    );

    app.post<{ Params: KindParams }>(
      '/:container/:kind',
      doc('Create a resource in the tenant container', { params: Kind, body: AnyObject, response: { 201: XdmResource } }),
      async (request, reply) => {
        const { container, kind } = target(request.params);
        if (container !== 'tenant') throw notFound('The global container is read-only; create resources in /tenant', 'XDM-1012-404');
        const created = await registry.create(request.scope, kind, request.body);
        return reply.status(201).send(created);
      },
    );

    app.put<{ Params: ResourceParams }>(
      '/:container/:kind/*',
      doc('Replace a resource', { params: KindStar, body: AnyObject, response: { 200: XdmResource } }),
      async (request) => {
        const { container, kind } = target(request.params);
        if (container !== 'tenant') throw notFound('The global container is read-only', 'XDM-1012-404');
        return registry.update(request.scope, kind, resourceId(request), { replace: request.body, ...ifMatch(request) });
      },
    );

    app.patch<{ Params: ResourceParams }>(
      '/:container/:kind/*',
      doc('Update a resource (JSON Patch)', { params: KindStar, body: ObjectOrPatch, response: { 200: XdmResource } }),
      async (request) => {
        const { container, kind } = target(request.params);
        if (container !== 'tenant') throw notFound('The global container is read-only', 'XDM-1012-404');
        return registry.update(request.scope, kind, resourceId(request), { patch: request.body, ...ifMatch(request) });
      },
    );

    app.delete<{ Params: ResourceParams }>(
      '/:container/:kind/*',
      doc('Delete a resource', { params: KindStar, response: { 204: NoContent } }),
      async (request, reply) => {
        const { container, kind } = target(request.params);
        if (container !== 'tenant') throw notFound('The global container is read-only', 'XDM-1012-404');
        await registry.delete(request.scope, kind, resourceId(request));
        return reply.status(204).send();
      },
    );
  };
}
