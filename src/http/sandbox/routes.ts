import type { FastifyRequest } from 'fastify';
import type { AuthenticatedRoutes } from '../auth.js';
import type { SandboxService } from '../../services/sandbox/index.js';
import { Type } from '@sinclair/typebox';
import { errorResponses, Open, PlatformError } from '../schemas.js';

/** Sandbox API routes (mounted under `/data/foundation/sandbox-management`), answering in the spec's shapes. */

const tags = ['Sandboxes'];
const nameParam = { type: 'object', properties: { sandboxName: { type: 'string' } }, required: ['sandboxName'] } as const;
const sandboxSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    title: { type: 'string' },
    state: { type: 'string', enum: ['creating', 'active', 'resetting', 'deleting', 'deleted', 'failed'] },
    type: { type: 'string', enum: ['production', 'development'] },
    region: { type: 'string' },
    isDefault: { type: 'boolean' },
    etag: { type: 'integer' },
    createdDate: { type: 'string' },
    lastModifiedDate: { type: 'string' },
    createdBy: { type: 'string' },
    modifiedBy: { type: 'string' },
  },
} as const;
const errors = errorResponses(PlatformError);
const typesSchema = Open({ sandboxTypes: Type.Array(Open({ id: Type.String(), title: Type.String() })) });
const listSchema = {
  type: 'object',
  properties: {
    sandboxes: { type: 'array', items: sandboxSchema },
    _page: { type: 'object', properties: { limit: { type: 'integer' }, count: { type: 'integer' } } },
    _links: { type: 'object', additionalProperties: true },
  },
} as const;

function first(value: unknown): string | undefined {
  return Array.isArray(value) ? (value[0] as string | undefined) : (value as string | undefined);
}

function integer(value: unknown, fallback: number): number {
  const n = Number(first(value));
  return Number.isInteger(n) && n >= 0 ? n : fallback;
}

function links(request: FastifyRequest, start: number, limit: number, total: number): Record<string, unknown> {
  const path = request.url.split('?')[0];
  return start + limit < total ? { next: { href: `${path}?limit=${limit}&start=${start + limit}`, templated: false } } : {};
}

export function sandboxRoutes(sandboxes: SandboxService): AuthenticatedRoutes {
  return async (app) => {
    app.get(
      '/',
      { schema: { tags, summary: 'List the sandboxes available to the caller', response: { ...errors, 200: listSchema } } },
      async (request) => {
        const available = await sandboxes.listAvailable(request.scope.orgId);
        return { sandboxes: available, _page: { limit: available.length, count: available.length }, _links: {} };
      },
    );

    app.get('/sandboxTypes', { schema: { tags, summary: 'List the supported sandbox types', response: { ...errors, 200: typesSchema } } }, async () =>
      sandboxes.types(),
    );

    app.get(
      '/sandboxes',
      {
        schema: {
          tags,
          summary: 'List the sandboxes of the org',
          querystring: {
            type: 'object',
            properties: {
              property: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
              orderBy: { type: 'string' },
              limit: { type: 'integer' },
              start: { type: 'integer' },
            },
          },
          response: { ...errors, 200: listSchema },
        },
      },
      async (request) => {
        const query = request.query as Record<string, unknown>;
        const limit = Math.min(integer(query.limit, 50), 200);
        const start = integer(query.start, 0);
        const property =
          query.property === undefined ? undefined : Array.isArray(query.property) ? (query.property as string[]) : [String(query.property)];
        const orderBy = first(query.orderBy);
        const page = await sandboxes.list(request.scope.orgId, { ...(property ? { property } : {}), ...(orderBy ? { orderBy } : {}), limit, start });
        return { sandboxes: page.sandboxes, _page: { limit, count: page.sandboxes.length }, _links: links(request, start, limit, page.total) };
      },
    );

    app.post(
      '/sandboxes',
      {
        schema: {
          tags,
          summary: 'Create a development sandbox',
          body: {
            type: 'object',
            additionalProperties: true,
            properties: { name: { type: 'string' }, title: { type: 'string' }, type: { type: 'string' } },
          },
          response: { ...errors, 202: sandboxSchema },
        },
      },
      async (request, reply) => reply.status(202).send(await sandboxes.create(request.scope, request.body)),
    );

    app.get<{ Params: { sandboxName: string } }>(
      '/sandboxes/:sandboxName',
      { schema: { tags, summary: 'Retrieve a sandbox', params: nameParam, response: { ...errors, 200: sandboxSchema } } },
      async (request) => sandboxes.get(request.scope.orgId, request.params.sandboxName),
    );

    app.put<{ Params: { sandboxName: string } }>(
      '/sandboxes/:sandboxName',
      {
        schema: {
          tags,
          summary: 'Reset a sandbox: {"action": "reset"} empties it',
          params: nameParam,
          body: { type: 'object', properties: { action: { type: 'string' } } },
          response: { ...errors, 202: sandboxSchema },
        },
      },
      async (request, reply) => reply.status(202).send(await sandboxes.reset(request.scope, request.params.sandboxName, request.body)),
    );

    app.patch<{ Params: { sandboxName: string } }>(
      '/sandboxes/:sandboxName',
      {
        schema: {
          tags,
          summary: 'Change the title of a sandbox',
          params: nameParam,
          body: { type: 'object', properties: { title: { type: 'string' } } },
          response: { ...errors, 200: sandboxSchema },
        },
      },
      async (request) => sandboxes.update(request.scope, request.params.sandboxName, request.body),
    );

    app.delete<{ Params: { sandboxName: string } }>(
      '/sandboxes/:sandboxName',
      {
        schema: {
          tags,
          summary: 'Delete a sandbox (not the default production one)',
          params: nameParam,
          response: { ...errors, 202: sandboxSchema },
        },
      },
      async (request, reply) => reply.status(202).send(await sandboxes.delete(request.scope, request.params.sandboxName)),
    );
  };
}
