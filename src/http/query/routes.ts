import { bearerToken, type AuthenticatedRoutes } from '../auth.js';
import type { QueryService } from '../../services/query/index.js';
import type { QueryAccountsService } from '../../services/query/accounts.service.js';
import type { ConnectionParametersService } from '../../services/query/connection-parameters.js';
import { resultsBody } from './results-body.js';
import { type Static, Type } from '@sinclair/typebox';
import { AnyObject, documenter, errorResponses, IdParams, Input, NoContent, Open, PlatformError, QueryOf } from '../schemas.js';

const Href = Open({ href: Type.String(), method: Type.Optional(Type.String()) });

export const Account = Open({
  id: Type.String(),
  technicalAccountId: Type.String(),
  username: Type.String(),
  name: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
  createdBy: Type.String(),
  created: Type.String(),
  _links: Open({ self: Href, delete: Href }),
});
export type Account = Static<typeof Account>;

export const ConnectionParameters = Open({
  username: Type.String(),
  dbName: Type.String(),
  host: Type.String(),
  port: Type.Integer(),
  version: Type.Integer(),
  token: Type.String(),
  compressedToken: Type.String(),
});
export type ConnectionParameters = Static<typeof ConnectionParameters>;

export const QueryRecord = Open({
  id: Type.String(),
  request: Open({ sql: Type.String() }),
  state: Type.String(),
  created: Type.String(),
  updated: Type.String(),
  elapsedTime: Type.Number(),
  rowCount: Type.Optional(Type.Integer()),
  client: Type.String(),
  userId: Type.String(),
  isCTAS: Type.Boolean(),
  isInsertInto: Type.Boolean(),
  errors: Type.Array(Open({ code: Type.String(), message: Type.String() })),
  _links: AnyObject,
  version: Type.Integer(),
});
export type QueryRecord = Static<typeof QueryRecord>;

export const QueryList = Open({ queries: Type.Array(QueryRecord), _page: AnyObject, _links: AnyObject, version: Type.Integer() });

/** A page of a result, streamed: the columns, the rows as objects, and where the page sits in the result. */
export const QueryResults = Open({
  queryId: Type.String(),
  columns: Type.Array(Open({ name: Type.String(), type: Type.String() })),
  rows: Type.Array(AnyObject),
});

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
    const doc = documenter(errorResponses(PlatformError));
    // Technical accounts: the password is in the answer to POST only.
    app.get(
      '/accounts',
      doc('List technical accounts', { response: { 200: Open({ accounts: Type.Array(Account), version: Type.Integer() }) } }),
      async (request) => accounts.list(request.scope),
    );
    app.post(
      '/accounts',
      doc('Create a technical account; its password is shown once', {
        body: Input({ name: Type.String(), description: Type.String() }),
        response: { 201: Type.Composite([Account, Type.Object({ password: Type.String() })], { additionalProperties: true }) },
      }),
      async (request, reply) => reply.status(201).send(await accounts.create(request.scope, request.body)),
    );
    app.get<{ Params: { id: string } }>(
      '/accounts/:id',
      doc('Retrieve a technical account', { params: IdParams, response: { 200: Account } }),
      async (request) => accounts.get(request.scope, request.params.id),
    );
    app.delete<{ Params: { id: string } }>(
      '/accounts/:id',
      doc('Delete a technical account', { params: IdParams, response: { 204: NoContent } }),
      async (request, reply) => {
        await accounts.remove(request.scope, request.params.id);
        return reply.status(204).send();
      },
    );

    // The caller's own token goes back to it, as Query Service does: it is the password of the PostgreSQL interface.
    app.get(
      '/connection_parameters',
      doc('How to connect to the PostgreSQL interface', { response: { 200: ConnectionParameters } }),
      async (request) => connection.get(request.scope, bearerToken(request) ?? '', request.hostname),
    );

    app.post(
      '/queries',
      doc('Submit a query', {
        body: Input({ sql: Type.String(), dbName: Type.String(), name: Type.String(), description: Type.String() }),
        response: { 202: QueryRecord },
      }),
      async (request, reply) => reply.status(202).send(await queries.submit(request.scope, request.body)),
    );

    app.get(
      '/queries',
      doc('List queries', {
        querystring: QueryOf({ limit: Type.String(), start: Type.String(), orderby: Type.String() }),
        response: { 200: QueryList },
      }),
      async (request) => {
        const q = request.query as Query;
        return queries.list(request.scope, { limit: first(q.limit), start: first(q.start), orderby: first(q.orderby) ?? first(q.orderBy) } as never);
      },
    );

    app.get<{ Params: { id: string } }>(
      '/queries/:id',
      doc('Retrieve a query', { params: IdParams, response: { 200: QueryRecord } }),
      async (request) => queries.get(request.scope, request.params.id),
    );

    app.patch<{ Params: { id: string } }>(
      '/queries/:id',
      doc('Cancel a query: {"op": "cancel"}', {
        params: IdParams,
        body: Input({ op: Type.String() }),
        response: { 202: Open({ message: Type.String(), statusCode: Type.Integer() }) },
      }),
      async (request, reply) => reply.status(202).send(await queries.cancel(request.scope, request.params.id, request.body)),
    );

    // `start` and `limit` page through a large result; without them the whole (size-capped) result is streamed.
    app.get<{ Params: { id: string } }>(
      '/queries/:id/results',
      doc("Tributary: a query's result rows (start, limit)", {
        params: IdParams,
        querystring: QueryOf({ start: Type.String(), limit: Type.String() }),
        response: { 200: QueryResults },
      }),
      async (request, reply) => {
        const q = request.query as Query;
        const page = await queries.results(request.scope, request.params.id, { start: first(q.start), limit: first(q.limit) } as never);
        return reply.type('application/json; charset=utf-8').send(resultsBody(page));
      },
    );
  };
}
