import { bearerToken, type AuthenticatedRoutes } from '../auth.js';
import type { QueryService } from '../../services/query/index.js';
import type { QueryAccountsService } from '../../services/query/accounts.service.js';
import type { ConnectionParametersService } from '../../services/query/connection-parameters.js';
import { resultsBody } from './results-body.js';

type Query = Record<string, string | string[] | undefined>;
const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/**
 * Query Service routes (mounted under `/data/foundation/query`). `GET /queries/{id}/results` is Tributary's:
 * AEP hands results out through its PostgreSQL interface only (Tributary has both).
 */
export function queryRoutes(
  queries: QueryService,
  { connection, accounts }: { connection: ConnectionParametersService; accounts: QueryAccountsService },
): AuthenticatedRoutes {
  return async (app) => {
    // Technical accounts: the password is in the answer to POST only.
    app.get('/accounts', async (request) => accounts.list(request.scope));
    app.post('/accounts', async (request, reply) => reply.status(201).send(await accounts.create(request.scope, request.body)));
    app.get<{ Params: { id: string } }>('/accounts/:id', async (request) => accounts.get(request.scope, request.params.id));
    app.delete<{ Params: { id: string } }>('/accounts/:id', async (request, reply) => {
      await accounts.remove(request.scope, request.params.id);
      return reply.status(204).send();
    });

    // The caller's own token goes back to it, as Query Service does: it is the password of the PostgreSQL interface.
    app.get('/connection_parameters', async (request) => connection.get(request.scope, bearerToken(request) ?? '', request.hostname));

    app.post('/queries', async (request, reply) => reply.status(202).send(await queries.submit(request.scope, request.body)));

    app.get('/queries', async (request) => {
      const q = request.query as Query;
      return queries.list(request.scope, { limit: first(q.limit), start: first(q.start), orderby: first(q.orderby) ?? first(q.orderBy) } as never);
    });

    app.get<{ Params: { id: string } }>('/queries/:id', async (request) => queries.get(request.scope, request.params.id));

    app.patch<{ Params: { id: string } }>('/queries/:id', async (request, reply) =>
      reply.status(202).send(await queries.cancel(request.scope, request.params.id, request.body)),
    );

    // `start` and `limit` page through a large result; without them the whole (size-capped) result is streamed.
    app.get<{ Params: { id: string } }>('/queries/:id/results', async (request, reply) => {
      const q = request.query as Query;
      const page = await queries.results(request.scope, request.params.id, { start: first(q.start), limit: first(q.limit) } as never);
      return reply.type('application/json; charset=utf-8').send(resultsBody(page));
    });
  };
}
