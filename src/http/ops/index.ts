import type { FastifyInstance, RouteOptions } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { ApiServices } from '../app.js';
import { opsRoutes } from './routes.js';
import { sandboxRoutes } from '../sandbox/routes.js';
import { adminRoutes } from '../admin/routes.js';
import { operatorApi, tenantApi } from '../auth.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route as registered (method and URL pattern), for the documentation's coverage check. */
    registeredRoutes: RegisteredRoute[];
  }
  interface FastifySchema {
    /** A write operation that takes no request body (an `?action=` POST): documented as `x-request-body: none`. */
    noBody?: boolean;
  }
}

interface RegisteredRoute {
  method: string;
  url: string;
  hidden: boolean;
  noBody: boolean;
}

/** `/flows/:id` → `/flows/{id}`, as the OpenAPI document spells a path. */
export const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\*$/, '{*}');

const GATEWAY_SECURITY = [{ bearerAuth: [], apiKey: [], imsOrg: [] }];

/**
 * The OpenAPI document of Tributary's own API, generated from the routes as they are registered (so it
 * must be called before any route): `/docs` (browsable) and `/docs/json`.
 */
export async function registerDocs(app: FastifyInstance): Promise<void> {
  const routes: RegisteredRoute[] = [];
  app.decorate('registeredRoutes', routes);
  app.addHook('onRoute', (route: RouteOptions) => {
    const schema = route.schema as { hide?: boolean; noBody?: boolean } | undefined;
    for (const method of [route.method].flat())
      routes.push({ method, url: route.url, hidden: Boolean(schema?.hide), noBody: Boolean(schema?.noBody) });
  });
  await app.register(swagger, {
    // HEAD is part of the API (downloads, upload status): documented like any other method.
    exposeHeadRoutes: true,
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Tributary API',
        description:
          'The API of this Tributary server: the AEP-compatible ingestion services under /data/…, the IMS-style token endpoint, ' +
          'sandbox management, and Tributary’s own operator routes (/tributary/admin/…, /health, /ready, /metrics).',
        version: '0.1.0',
      },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'Access token from POST /ims/token/v3' },
          apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key', description: 'The client id' },
          imsOrg: { type: 'apiKey', in: 'header', name: 'x-gw-ims-org-id', description: 'The IMS org id' },
          adminToken: { type: 'http', scheme: 'bearer', description: 'The operator token (admin.json or TRIBUTARY_ADMIN_TOKEN)' },
        },
      },
    },
    // Routes written without a schema still appear; the AEP routes carry the gateway's credentials.
    transform: ({ schema, url }) => {
      const documented = { ...(schema ?? {}) } as Record<string, unknown>;
      if (url.startsWith('/data/') && !documented.security) documented.security = GATEWAY_SECURITY;
      if (!documented.tags) {
        const tag = /^\/data\/(?:foundation|core)\/([a-z-]+)/.exec(url)?.[1] ?? (url.startsWith('/ims/') ? 'ims' : undefined);
        if (tag) documented.tags = [tag];
      }
      delete documented.noBody;
      return { schema: documented as never, url };
    },
    // Say so where a write operation takes no body, so that a reader (and the coverage test) can tell it from one
    // whose body is undocumented.
    transformObject: (documentObject) => {
      if (!('openapiObject' in documentObject)) return documentObject.swaggerObject;
      const { openapiObject } = documentObject;
      const paths = (openapiObject as { paths?: Record<string, Record<string, Record<string, unknown>>> }).paths ?? {};
      for (const route of routes.filter((r) => r.noBody)) {
        const operation = paths[openApiPath(route.url)]?.[route.method.toLowerCase()];
        if (operation) operation['x-request-body'] = 'none';
      }
      return openapiObject;
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list', deepLinking: true } });
}

/**
 * Operations around the API: request metrics, the public health, readiness and metrics routes, sandbox management
 * (a tenant API that answers in any sandbox state) and the operator routes behind the admin token.
 */
export async function registerOperations(app: FastifyInstance, platform: ApiServices): Promise<void> {
  const { metrics } = platform;
  app.addHook('onResponse', async (request, reply) => {
    metrics.observeRequest(request.method, request.routeOptions.url, reply.statusCode, reply.elapsedTime / 1000);
  });
  await app.register(opsRoutes({ metrics, readiness: platform.readiness }));
  await app.register(tenantApi(platform.identity, { anySandboxState: true })(sandboxRoutes(platform.sandboxes)), {
    prefix: '/data/foundation/sandbox-management',
  });
  await app.register(operatorApi(platform.admin, adminRoutes(platform.identity)), { prefix: '/tributary/admin' });
}
