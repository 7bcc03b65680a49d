/**
 * The scope's type follows where a route is registered: `Scope` behind `tenantApi`, `Scope | undefined` elsewhere.
 * These checks fail in `npm run typecheck` (tsc over test/), not at run time.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { describe, expectTypeOf, it } from 'vitest';
import type { AuthenticatedInstance, AuthenticatedRequest } from '../../src/http/auth.js';
import type { Scope } from '../../src/services/scope.js';

const needsScope = (_scope: Scope) => undefined;

describe('the type of request.scope', () => {
  it('is Scope on the routes of a tenant API', () => {
    expectTypeOf<AuthenticatedRequest['scope']>().toEqualTypeOf<Scope>();
    expectTypeOf<AuthenticatedRequest<{ Params: { id: string } }>['scope']>().toEqualTypeOf<Scope>();
    const routes = (app: AuthenticatedInstance) => app.get('/x', async (request) => needsScope(request.scope));
    expectTypeOf(routes).toBeFunction();
  });

  it('may be undefined on any other route, so a public route cannot use it unchecked', () => {
    expectTypeOf<FastifyRequest['scope']>().toEqualTypeOf<Scope | undefined>();
    // @ts-expect-error a public route's request has no guaranteed scope
    const routes = (app: FastifyInstance) => app.get('/x', async (request) => needsScope(request.scope));
    expectTypeOf(routes).toBeFunction();
  });
});
