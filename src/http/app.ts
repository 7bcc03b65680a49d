import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import formbody from '@fastify/formbody';
import type { DestinationStream } from 'pino';
import type { Platform } from '../platform.js';
import { createLogger } from '../observability/logger.js';
import { registerDocs, registerOperations } from './ops/index.js';
import { tenantApi } from './auth.js';
import { registerRequestLogging, requestLogController } from './request-log.js';
import { handleError, renderError, styleFor } from './errors.js';
import { imsRoutes } from './ims/routes.js';
import { schemaRegistryRoutes } from './schema-registry/routes.js';
import { identityNamespaceRoutes } from './identity-namespace/routes.js';
import { catalogRoutes } from './catalog/routes.js';
import { conversionRoutes } from './conversion/routes.js';
import { exportRoutes } from './export/routes.js';
import { importRoutes } from './import/routes.js';
import { queryRoutes } from './query/routes.js';
import { streamingInletRoutes } from './streaming/routes.js';
import { queryScheduleRoutes } from './query/schedule-routes.js';
import { flowServiceRoutes } from './flow-service/routes.js';
import { webUiRoutes } from './web/web-ui.plugin.js';
import { icebergRoutes } from './iceberg/routes.js';
import { requestValidatorCompiler } from './validation.js';
import { registerResponseCheck, type ResponseCheckReport } from './response-check.js';

export interface AppOptions {
  /** Log level of the JSON request logs, or false for none (tests). */
  logLevel?: string | false;
  /** Where the JSON log lines go (default stdout); tests capture them here. */
  logStream?: DestinationStream;
  /** Folder of the built web UI served at `/` (default web/dist); false serves none. */
  webRoot?: string | false;
  /**
   * Tests only: check every JSON reply against its route's response schema, report each mismatch here and fail
   * its request (./response-check.ts).
   */
  checkResponses?: ResponseCheckReport;
}

/**
 * What the HTTP layer is given: the services' facades, never the database, the lake or the queue (the type keeps
 * a route from reaching past its service).
 */
export type ApiServices = Pick<
  Platform,
  | 'identity'
  | 'icebergCatalog'
  | 'flowService'
  | 'streamingInlet'
  | 'schemaRegistry'
  | 'identityNamespaces'
  | 'catalog'
  | 'batchIngestion'
  | 'dataPrep'
  | 'dataAccess'
  | 'query'
  | 'connectionParameters'
  | 'queryAccounts'
  | 'queryTemplates'
  | 'querySchedules'
  | 'sandboxes'
  | 'admin'
  | 'metrics'
  | 'readiness'
>;

/** Builds the HTTP API over a platform's services. Does not listen: `main.ts` does, tests use `inject`. */
export async function buildApp(platform: ApiServices, options: AppOptions = {}): Promise<FastifyInstance> {
  // JSON lines with the request id, scrubbed of every token and secret (src/observability/logger.ts).
  const logger =
    options.logLevel === false
      ? undefined
      : createLogger({ level: options.logLevel ?? 'info', ...(options.logStream ? { stream: options.logStream } : {}) });
  const app = Fastify({
    ...(logger ? { loggerInstance: logger as FastifyBaseLogger } : { logger: false }),
    bodyLimit: 32 * 1024 * 1024,
    genReqId: () => crypto.randomUUID(),
    // "incoming request" is written once the request's org and sandbox are known (./request-log.ts).
    logController: requestLogController(),
    // AEP documents some paths with a trailing slash (`PATCH /connections/{id}/`): both forms route the same.
    routerOptions: { ignoreTrailingSlash: true },
  });

  app.setValidatorCompiler(requestValidatorCompiler());
  if (options.checkResponses) registerResponseCheck(app, options.checkResponses);
  await app.register(formbody);
  // AEP clients send JSON under several media types (JSON Patch, vendor types): parse them all as JSON.
  // Adobe's generated clients send `Content-Type: application/json` on every call, DELETEs and bodiless
  // `?action=` POSTs included: an empty body is no body, and a route that needs one says so in its own shape.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser(/^application\/(?:[\w.+-]*\+)?json/, { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, body === '' ? undefined : JSON.parse(body as string));
    } catch (error) {
      (error as { statusCode?: number }).statusCode = 400;
      done(error as Error, undefined);
    }
  });

  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => {
    const rendered = renderError(styleFor(request.url), 404, `No route for ${request.method} ${request.url.split('?')[0]}`);
    void reply.status(rendered.status).send(rendered.body);
  });

  await registerDocs(app);
  registerRequestLogging(app);
  await registerOperations(app, platform);
  // Public: the token endpoint. Every tenant API below sits behind authentication on its matched routes.
  await app.register(imsRoutes(platform.identity));
  // Public too: each HTTP API inlet says whether its posts need a token.
  await app.register(streamingInletRoutes(platform.streamingInlet));
  const tenant = tenantApi(platform.identity);
  await app.register(tenant(flowServiceRoutes(platform.flowService)), { prefix: '/data/foundation/flowservice' });
  await app.register(tenant(schemaRegistryRoutes(platform.schemaRegistry)), { prefix: '/data/foundation/schemaregistry' });
  await app.register(tenant(identityNamespaceRoutes(platform.identityNamespaces)), { prefix: '/data/core/idnamespace' });
  await app.register(tenant(catalogRoutes(platform.catalog, platform.batchIngestion)), { prefix: '/data/foundation/catalog' });
  await app.register(tenant(conversionRoutes(platform.dataPrep)), { prefix: '/data/foundation/conversion' });
  await app.register(tenant(exportRoutes(platform.dataAccess)), { prefix: '/data/foundation/export' });
  await app.register(tenant(importRoutes(platform.batchIngestion)), { prefix: '/data/foundation/import' });
  await app.register(tenant(queryRoutes(platform.query, { connection: platform.connectionParameters, accounts: platform.queryAccounts })), {
    prefix: '/data/foundation/query',
  });
  // The Iceberg REST catalog: engines authenticate with the bearer token alone (src/http/iceberg/routes.ts).
  await app.register(icebergRoutes(platform.identity, platform.icebergCatalog), { prefix: '/iceberg' });
  await app.register(tenant(queryScheduleRoutes({ templates: platform.queryTemplates, schedules: platform.querySchedules })), {
    prefix: '/data/foundation/query',
  });
  if (options.webRoot !== false) await app.register(webUiRoutes(options.webRoot));
  return app;
}
