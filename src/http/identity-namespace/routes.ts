import { type Static, Type } from '@sinclair/typebox';
import type { AuthenticatedRoutes } from '../auth.js';
import type { IdentityNamespaceService } from '../../services/identity-namespace/index.js';
import { documenter, IdParams, Input, Nullable, Open, PlatformError, errorResponses } from '../schemas.js';

/** Identity Service's `IdentityNamespace` (idType in upper case, times in epoch milliseconds). */
export const IdentityNamespace = Open({
  id: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  description: Type.Optional(Nullable(Type.String())),
  idType: Type.String(),
  status: Type.String(),
  custom: Type.Boolean(),
  createTime: Type.Integer(),
  updateTime: Type.Integer(),
});
export type IdentityNamespace = Static<typeof IdentityNamespace>;

const NamespaceInput = Input({ name: Type.String(), code: Type.String(), idType: Type.String(), description: Type.String() });

/** Identity Service's namespace API (`/data/core/idnamespace`). */
export function identityNamespaceRoutes(namespaces: IdentityNamespaceService): AuthenticatedRoutes {
  return async (app) => {
    const doc = documenter(errorResponses(PlatformError));
    app.get('/identities', doc('List identity namespaces', { response: { 200: Type.Array(IdentityNamespace) } }), async (request) =>
      namespaces.list(request.scope),
    );
    app.get<{ Params: { id: string } }>(
      '/identities/:id',
      doc('Retrieve an identity namespace', { params: IdParams, response: { 200: IdentityNamespace } }),
      async (request) => namespaces.get(request.scope, request.params.id),
    );
    // AEP answers a creation with 200, not 201.
    app.post('/identities', doc('Create an identity namespace', { body: NamespaceInput, response: { 200: IdentityNamespace } }), async (request) =>
      namespaces.create(request.scope, request.body),
    );
    app.put<{ Params: { id: string } }>(
      '/identities/:id',
      doc('Update an identity namespace', { params: IdParams, body: NamespaceInput, response: { 200: IdentityNamespace } }),
      async (request) => namespaces.update(request.scope, request.params.id, request.body),
    );
  };
}
