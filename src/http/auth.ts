import type { IncomingMessage } from 'node:http';
import type {
  ContextConfigDefault,
  FastifyBaseLogger,
  FastifyInstance,
  FastifyPluginAsync,
  FastifyRequest,
  FastifySchema,
  FastifyTypeProvider,
  FastifyTypeProviderDefault,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerBase,
  RawServerDefault,
  RouteGenericInterface,
} from 'fastify';
// Not re-exported by fastify's entry point, but named by its FastifyRequest's type parameters, which an augmentation repeats.
import type { FastifyRequestType, ResolveFastifyRequestType } from 'fastify/types/type-provider.js';
import type { AdminCredential, IdentityService } from '../services/identity/index.js';
import type { Scope } from '../services/scope.js';
import { ServiceError } from '../services/errors.js';
import { registerUrlGuard } from './url-guard.js';

/**
 * Authentication runs as a hook of the plugin that holds the authenticated routes, so it applies to the route the
 * router matched — whatever spelling of the path (`/%64ata/…`) led there — and never to a test of the URL text.
 *
 * The scope is typed by where a route lives: inside `tenantApi(...)` a request's raw type carries a type-only mark,
 * and `request.scope` is `Scope`; anywhere else it is `Scope | undefined`, so a public route cannot use it unchecked.
 */

declare const authenticated: unique symbol;

/** The raw request type of routes behind `tenantApi`: a mark for the type checker, absent at run time. */
export interface AuthenticatedRawRequest extends IncomingMessage {
  readonly [authenticated]: true;
}

declare module 'fastify' {
  interface FastifyRequest<
    RouteGeneric extends RouteGenericInterface = RouteGenericInterface,
    RawServer extends RawServerBase = RawServerDefault,
    RawRequest extends RawRequestDefaultExpression<RawServer> = RawRequestDefaultExpression<RawServer>,
    SchemaCompiler extends FastifySchema = FastifySchema,
    TypeProvider extends FastifyTypeProvider = FastifyTypeProviderDefault,
    ContextConfig = ContextConfigDefault,
    Logger extends FastifyBaseLogger = FastifyBaseLogger,
    RequestType extends FastifyRequestType = ResolveFastifyRequestType<TypeProvider, SchemaCompiler, RouteGeneric>,
  > {
    /** The org and sandbox the call acts in, set by `tenantApi`'s hook before any of its routes runs. */
    scope: RawRequest extends AuthenticatedRawRequest ? Scope : Scope | undefined;
  }
}

/** The Fastify instance a tenant API's routes are registered on. */
export type AuthenticatedInstance = FastifyInstance<RawServerDefault, AuthenticatedRawRequest, RawReplyDefaultExpression, FastifyBaseLogger>;

/** A request of a tenant API's route: its `scope` is always there. */
export type AuthenticatedRequest<RouteGeneric extends RouteGenericInterface = RouteGenericInterface> = FastifyRequest<
  RouteGeneric,
  RawServerDefault,
  AuthenticatedRawRequest
>;

/** The routes of one tenant API, registered behind authentication by `tenantApi`. */
export type AuthenticatedRoutes = (app: AuthenticatedInstance) => Promise<void>;

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The token of `Authorization: Bearer <token>`, if the header has that form. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const authorization = header(request, 'authorization');
  return authorization && /^bearer\s+/i.test(authorization) ? authorization.replace(/^bearer\s+/i, '').trim() : undefined;
}

export interface TenantApiOptions {
  /** Sandbox management answers while a sandbox is being reset or deleted, so a client can follow its state. */
  anySandboxState?: boolean;
}

/**
 * Wraps a tenant API's routes in an encapsulated plugin whose `onRequest` hook checks the gateway headers
 * (token, API key, org, sandbox) of every call to them and gives the request its scope and a logger naming it.
 */
export function tenantApi(identity: IdentityService, options: TenantApiOptions = {}): (routes: AuthenticatedRoutes) => FastifyPluginAsync {
  return (routes) => async (app) => {
    // Sound because the hook below runs on every route of this plugin before its handler, or refuses the call.
    const api = app as unknown as AuthenticatedInstance;
    api.decorateRequest('scope', null as unknown as Scope);
    api.addHook('onRequest', async (request, reply) => {
      request.scope = await identity.authorize(
        {
          bearer: bearerToken(request),
          apiKey: header(request, 'x-api-key'),
          orgHeader: header(request, 'x-gw-ims-org-id'),
          sandboxHeader: header(request, 'x-sandbox-name'),
        },
        options,
      );
      // Every later line of this request names the org, sandbox and client it acts for.
      const log = request.log.child({ orgId: request.scope.orgId, sandboxName: request.scope.sandboxName, clientId: request.scope.clientId });
      request.log = log;
      reply.log = log;
    });
    registerUrlGuard(app);
    await routes(api);
  };
}

/** Wraps operator routes in an encapsulated plugin that lets only the admin token through, never a tenant's. */
export function operatorApi(admin: AdminCredential, routes: FastifyPluginAsync): FastifyPluginAsync {
  return async (app) => {
    app.addHook('onRequest', async (request) => {
      if (!admin.verify(bearerToken(request)))
        throw new ServiceError('unauthenticated', 'an admin token is required (Authorization: Bearer <admin token>)', '401013');
    });
    registerUrlGuard(app);
    await app.register(routes);
  };
}
