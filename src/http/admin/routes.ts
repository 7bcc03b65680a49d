import type { FastifyPluginAsync } from 'fastify';
import type { IdentityService } from '../../services/identity/index.js';
import { type Static, Type } from '@sinclair/typebox';
import { Nullable, Open } from '../schemas.js';

/**
 * Operator routes (mounted under `/tributary/admin`): orgs and API clients. They take the admin token
 * (`Authorization: Bearer <admin token>`), never a tenant token: registered behind `operatorApi` (../auth.ts).
 */

const tags = ['Administration'];
const security = [{ adminToken: [] }];
const orgParam = { type: 'object', properties: { imsOrg: { type: 'string' } }, required: ['imsOrg'] } as const;
const clientParam = { type: 'object', properties: { clientId: { type: 'string' } }, required: ['clientId'] } as const;

export const Org = Open({ imsOrg: Type.String(), tenantId: Type.String(), name: Type.String(), createdDate: Type.String() });
export type Org = Static<typeof Org>;
export const CreatedOrg = Open({ imsOrg: Type.String(), tenantId: Type.String(), name: Type.String(), sandboxName: Type.String() });
export type CreatedOrg = Static<typeof CreatedOrg>;
export const Client = Open({
  clientId: Type.String(),
  imsOrg: Type.String(),
  name: Type.String(),
  secretVersion: Type.Integer(),
  revoked: Type.Boolean(),
  revokedDate: Nullable(Type.String()),
  createdDate: Type.String(),
});
export type Client = Static<typeof Client>;
export const CreatedClient = Open({
  clientId: Type.String(),
  clientSecret: Type.String({ description: 'shown once' }),
  imsOrg: Type.String(),
  tenantId: Type.String(),
  name: Type.String(),
});
export type CreatedClient = Static<typeof CreatedClient>;

export function adminRoutes(identity: IdentityService): FastifyPluginAsync {
  return async (app) => {
    app.get('/orgs', { schema: { tags, security, summary: 'List orgs', response: { 200: Open({ orgs: Type.Array(Org) }) } } }, async () => ({
      orgs: await identity.listOrgs(),
    }));

    app.post(
      '/orgs',
      {
        schema: {
          tags,
          security,
          summary: 'Create an org with its production sandbox "prod"',
          body: { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1 }, tenantId: { type: 'string' } } },
          response: { 201: CreatedOrg },
        },
      },
      async (request, reply) => {
        const body = request.body as { name: string; tenantId?: string };
        const org = await identity.createOrg({ name: body.name, ...(body.tenantId ? { tenantId: body.tenantId } : {}) });
        return reply.status(201).send({ imsOrg: org.orgId, tenantId: org.tenantId, name: body.name, sandboxName: 'prod' });
      },
    );

    app.get<{ Params: { imsOrg: string } }>(
      '/orgs/:imsOrg/clients',
      {
        schema: {
          tags,
          security,
          summary: 'List the API clients of an org',
          params: orgParam,
          response: { 200: Open({ clients: Type.Array(Client) }) },
        },
      },
      async (request) => ({
        clients: await identity.listClients(request.params.imsOrg),
      }),
    );

    app.post<{ Params: { imsOrg: string } }>(
      '/orgs/:imsOrg/clients',
      {
        schema: {
          tags,
          security,
          summary: 'Create an API client; its secret is shown once',
          params: orgParam,
          body: { type: 'object', properties: { name: { type: 'string', minLength: 1 } } },
          response: { 201: CreatedClient },
        },
      },
      async (request, reply) => {
        const org = await identity.requireOrg(request.params.imsOrg);
        const name = (request.body as { name?: string } | undefined)?.name ?? 'client';
        const client = await identity.createClient(org.imsOrg, name);
        return reply.status(201).send({ ...client, imsOrg: org.imsOrg, tenantId: org.tenantId, name });
      },
    );

    app.get<{ Params: { clientId: string } }>(
      '/clients/:clientId',
      { schema: { tags, security, summary: 'Read an API client', params: clientParam, response: { 200: Client } } },
      async (request) => identity.getClient(request.params.clientId),
    );

    app.delete<{ Params: { clientId: string } }>(
      '/clients/:clientId',
      { schema: { tags, security, summary: 'Revoke an API client: its tokens are refused at once', params: clientParam, response: { 200: Client } } },
      async (request) => {
        await identity.getClient(request.params.clientId);
        return identity.revokeClient(request.params.clientId);
      },
    );

    app.post<{ Params: { clientId: string } }>(
      '/clients/:clientId/rotate',
      {
        schema: {
          tags,
          security,
          summary: 'Rotate the secret of an API client: tokens of the old secret are refused at once',
          params: clientParam,
          noBody: true,
          response: { 200: Type.Composite([Client, Type.Object({ clientSecret: Type.String() })], { additionalProperties: true }) },
        },
      },
      async (request) => identity.rotateClientSecret(request.params.clientId),
    );
  };
}
