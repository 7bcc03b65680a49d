import type { AuthenticatedRoutes } from '../auth.js';
import type { IdentityNamespaceService } from '../../services/identity-namespace/index.js';

/** Identity Service's namespace API (`/data/core/idnamespace`). */
export function identityNamespaceRoutes(namespaces: IdentityNamespaceService): AuthenticatedRoutes {
  return async (app) => {
    app.get('/identities', async (request) => namespaces.list(request.scope));
    app.get<{ Params: { id: string } }>('/identities/:id', async (request) => namespaces.get(request.scope, request.params.id));
    // AEP answers a creation with 200, not 201.
    app.post('/identities', async (request) => namespaces.create(request.scope, request.body));
    app.put<{ Params: { id: string } }>('/identities/:id', async (request) => namespaces.update(request.scope, request.params.id, request.body));
  };
}
