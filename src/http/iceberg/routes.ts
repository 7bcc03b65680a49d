import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { IdentityService } from '../../services/identity/index.js';
import type { Scope } from '../../services/scope.js';
import { ICEBERG_NAMESPACE, type IcebergCatalog } from '../../services/catalog/iceberg-catalog.js';
import { bearerToken } from '../auth.js';
import { registerUrlGuard } from '../url-guard.js';

/**
 * The Iceberg REST catalog (Apache Iceberg's REST catalog OpenAPI), read-only, mounted under `/iceberg`: an engine
 * pointed at `http://host/iceberg` with an IMS bearer token sees the Iceberg tables of that token's org in one
 * sandbox, the warehouse. The sandbox is the `{prefix}` of the paths (`GET /v1/config` answers it as the prefix
 * override), else the `warehouse` query parameter, else the `x-sandbox-name` header, else `prod`.
 */

const header = (request: FastifyRequest, name: string): string | undefined => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

const stringMap = { type: 'object', additionalProperties: { type: 'string' } } as const;
const namespaceParam = { type: 'string', minLength: 1, maxLength: 256 } as const;
const identifier = {
  type: 'object',
  required: ['namespace', 'name'],
  properties: { namespace: { type: 'array', items: { type: 'string' } }, name: { type: 'string' } },
} as const;

const SCHEMAS = {
  config: {
    querystring: { type: 'object', properties: { warehouse: { type: 'string', maxLength: 256 } } },
    response: {
      200: {
        type: 'object',
        required: ['defaults', 'overrides'],
        properties: { defaults: stringMap, overrides: stringMap, endpoints: { type: 'array', items: { type: 'string' } } },
      },
    },
  },
  namespaces: {
    querystring: {
      type: 'object',
      properties: { parent: { type: 'string' }, pageToken: { type: 'string' }, pageSize: { type: 'string', pattern: '^[1-9][0-9]{0,5}$' } },
    },
    response: {
      200: {
        type: 'object',
        required: ['namespaces'],
        properties: { namespaces: { type: 'array', items: { type: 'array', items: { type: 'string' } } } },
      },
    },
  },
  namespace: {
    params: { type: 'object', required: ['namespace'], properties: { namespace: namespaceParam, prefix: { type: 'string' } } },
    response: {
      200: {
        type: 'object',
        required: ['namespace'],
        properties: { namespace: { type: 'array', items: { type: 'string' } }, properties: stringMap },
      },
    },
  },
  tables: {
    params: { type: 'object', required: ['namespace'], properties: { namespace: namespaceParam, prefix: { type: 'string' } } },
    querystring: { type: 'object', properties: { pageToken: { type: 'string' }, pageSize: { type: 'string', pattern: '^[1-9][0-9]{0,5}$' } } },
    response: { 200: { type: 'object', required: ['identifiers'], properties: { identifiers: { type: 'array', items: identifier } } } },
  },
  table: {
    params: {
      type: 'object',
      required: ['namespace', 'table'],
      properties: { namespace: namespaceParam, table: { type: 'string', minLength: 1, maxLength: 256 }, prefix: { type: 'string' } },
    },
    querystring: { type: 'object', properties: { snapshots: { type: 'string', enum: ['all', 'refs'] } } },
    response: {
      200: {
        type: 'object',
        required: ['metadata'],
        properties: {
          'metadata-location': { type: 'string' },
          // The table metadata as the spec writes it (format version 2), served as stored.
          metadata: { type: 'object', additionalProperties: true },
          config: stringMap,
        },
      },
    },
  },
  tableExists: {
    params: {
      type: 'object',
      required: ['namespace', 'table'],
      properties: { namespace: namespaceParam, table: { type: 'string', minLength: 1, maxLength: 256 }, prefix: { type: 'string' } },
    },
    response: { 204: { type: 'null', description: 'The table exists' } },
  },
} as const;

type NamespaceParams = { namespace: string; prefix?: string };
type TableParams = NamespaceParams & { table: string };

/** A namespace in a path: its levels joined by the unit separator (0x1F), as the spec encodes multi-level names. */
const levels = (namespace: string) => namespace.split('\u001f');

export function icebergRoutes(identity: IdentityService, catalog: IcebergCatalog): FastifyPluginAsync {
  return async (app) => {
    const scopes = new WeakMap<FastifyRequest, Scope>();
    app.addHook('onRequest', async (request) => {
      const params = request.params as { prefix?: string };
      const query = request.query as { warehouse?: string };
      scopes.set(
        request,
        await identity.authorizeBearer({
          bearer: bearerToken(request),
          apiKey: header(request, 'x-api-key'),
          orgHeader: header(request, 'x-gw-ims-org-id'),
          sandboxHeader: params.prefix ?? query.warehouse ?? header(request, 'x-sandbox-name'),
        }),
      );
    });
    registerUrlGuard(app);
    const scopeOf = (request: FastifyRequest): Scope => scopes.get(request)!;

    // Every route twice: under the prefix `GET /v1/config` hands out (the sandbox), and without one.
    for (const base of ['/v1', '/v1/:prefix']) routes(app, base, scopeOf, catalog);
    app.get('/v1/config', { schema: SCHEMAS.config }, async (request) => ({
      defaults: {},
      overrides: { prefix: scopeOf(request).sandboxName },
      endpoints: [
        'GET /v1/{prefix}/namespaces',
        'GET /v1/{prefix}/namespaces/{namespace}',
        'HEAD /v1/{prefix}/namespaces/{namespace}',
        'GET /v1/{prefix}/namespaces/{namespace}/tables',
        'GET /v1/{prefix}/namespaces/{namespace}/tables/{table}',
        'HEAD /v1/{prefix}/namespaces/{namespace}/tables/{table}',
      ],
    }));
  };
}

function routes(app: FastifyInstance, base: string, scopeOf: (request: FastifyRequest) => Scope, catalog: IcebergCatalog): void {
  app.get(`${base}/namespaces`, { schema: SCHEMAS.namespaces }, async (request) => {
    const { parent } = request.query as { parent?: string };
    // One level of namespaces: nothing lies below the sandbox's one.
    return { namespaces: parent === undefined ? catalog.namespaces() : [] };
  });
  app.get<{ Params: NamespaceParams }>(`${base}/namespaces/:namespace`, { schema: SCHEMAS.namespace, exposeHeadRoute: false }, async (request) => ({
    namespace: levels(request.params.namespace),
    properties: catalog.namespace(scopeOf(request), request.params.namespace),
  }));
  app.head<{ Params: NamespaceParams }>(`${base}/namespaces/:namespace`, { schema: SCHEMAS.namespace }, async (request, reply) => {
    catalog.namespace(scopeOf(request), request.params.namespace);
    return reply.status(204).send();
  });
  app.get<{ Params: NamespaceParams }>(`${base}/namespaces/:namespace/tables`, { schema: SCHEMAS.tables }, async (request) => {
    const names = await catalog.tableNames(scopeOf(request), request.params.namespace);
    return { identifiers: names.map((name) => ({ namespace: [ICEBERG_NAMESPACE], name })) };
  });
  app.get<{ Params: TableParams }>(
    `${base}/namespaces/:namespace/tables/:table`,
    { schema: SCHEMAS.table, exposeHeadRoute: false },
    async (request) => {
      const table = await catalog.loadTable(scopeOf(request), request.params.namespace, request.params.table);
      // No credentials are vended: engines read the lake with their own access to its folder or bucket.
      return { 'metadata-location': table.metadataLocation, metadata: table.metadata, config: {} };
    },
  );
  app.head<{ Params: TableParams }>(`${base}/namespaces/:namespace/tables/:table`, { schema: SCHEMAS.tableExists }, async (request, reply) => {
    await catalog.loadTable(scopeOf(request), request.params.namespace, request.params.table);
    return reply.status(204).send();
  });
}
