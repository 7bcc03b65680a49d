import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IdentityService } from '../services/identity/index.js';
import type { Scope } from '../services/scope.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on every /data/… request once its token and headers are checked. */
    scope: Scope;
  }
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Checks the gateway headers of every platform call before any route runs. */
export function registerAuth(app: FastifyInstance, identity: IdentityService): void {
  app.decorateRequest('scope', null as unknown as Scope);
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/data/')) return;
    const authorization = header(request, 'authorization');
    const bearer = authorization && /^bearer\s+/i.test(authorization) ? authorization.replace(/^bearer\s+/i, '').trim() : undefined;
    request.scope = await identity.authorize(
      {
        bearer,
        apiKey: header(request, 'x-api-key'),
        orgHeader: header(request, 'x-gw-ims-org-id'),
        sandboxHeader: header(request, 'x-sandbox-name'),
      },
      { anySandboxState: request.url.startsWith('/data/foundation/sandbox-management') },
    );
  });
}
