/**
 * The operator API: orgs and API clients behind an admin token that no tenant credential can stand in for;
 * rotating a client's secret makes every token of the old secret useless at once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

describe('admin: orgs and API clients', () => {
  let t: TestPlatform;
  let adminToken: string;
  const admin = (method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown, token = adminToken) =>
    t.app.inject({
      method,
      url: `/tributary/admin${url}`,
      headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { payload: JSON.stringify(body) } : {}),
    });
  const tokenFor = async (clientId: string, clientSecret: string) =>
    t.app.inject({
      method: 'POST',
      url: '/ims/token/v3',
      payload: new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
  const asClient = (token: string, clientId: string, org: string) =>
    t.app.inject({
      method: 'GET',
      url: '/data/foundation/catalog/dataSets',
      headers: { authorization: `Bearer ${token}`, 'x-api-key': clientId, 'x-gw-ims-org-id': org, 'x-sandbox-name': 'prod' },
    });

  beforeAll(async () => {
    t = await startTestPlatform();
    const file = join(t.home, 'admin.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    adminToken = JSON.parse(readFileSync(file, 'utf8')).adminToken;
  });
  afterAll(async () => t?.close());

  it('refuses admin routes without the admin token, and with a tenant token', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/tributary/admin/orgs' })).statusCode).toBe(401);
    expect((await admin('GET', '/orgs', undefined, t.token)).statusCode).toBe(401);
    expect((await admin('GET', '/orgs', undefined, 'tra-not-the-token')).statusCode).toBe(401);
    // And the admin token opens no tenant route.
    expect((await asClient(adminToken, t.credentials.clientId, t.credentials.imsOrg)).statusCode).toBe(401);
    const orgs = await admin('GET', '/orgs');
    expect(orgs.statusCode).toBe(200);
    expect(orgs.json().orgs).toEqual([expect.objectContaining({ imsOrg: t.credentials.imsOrg, tenantId: t.credentials.tenantId })]);
  });

  it('creates an org with a tenant id and a prod sandbox; the tenant id is unique', async () => {
    const created = await admin('POST', '/orgs', { name: 'Globex', tenantId: 'globex' });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ tenantId: 'globex', name: 'Globex', sandboxName: 'prod' });
    expect(created.json().imsOrg).toMatch(/^[0-9A-F]{24}@AdobeOrg$/);
    expect((await admin('POST', '/orgs', { name: 'Other', tenantId: 'globex' })).statusCode).toBe(409);
    expect((await admin('POST', '/orgs', { name: 'Bad', tenantId: 'Not Valid' })).statusCode).toBe(400);
    expect((await admin('POST', '/orgs', {})).statusCode).toBe(400);
  });

  it('rotating a secret refuses the old tokens at once and the old secret; the new secret works', async () => {
    const org = (await admin('POST', '/orgs', { name: 'Initech', tenantId: 'initech' })).json();
    const client = await admin('POST', `/orgs/${org.imsOrg}/clients`, { name: 'etl' });
    expect(client.statusCode).toBe(201);
    const { clientId, clientSecret } = client.json();
    const oldToken = (await tokenFor(clientId, clientSecret)).json().access_token as string;
    expect((await asClient(oldToken, clientId, org.imsOrg)).statusCode).toBe(200);

    const rotated = await admin('POST', `/clients/${clientId}/rotate`);
    expect(rotated.statusCode).toBe(200);
    expect(rotated.json()).toMatchObject({ clientId, secretVersion: 2, revoked: false });
    const newSecret = rotated.json().clientSecret as string;
    expect(newSecret).not.toBe(clientSecret);

    const refused = await asClient(oldToken, clientId, org.imsOrg);
    expect(refused.statusCode).toBe(401);
    expect(refused.json()).toEqual({ error_code: '401013', message: 'Oauth token is not valid' });
    expect((await tokenFor(clientId, clientSecret)).statusCode).toBe(401);
    const newToken = (await tokenFor(clientId, newSecret)).json().access_token as string;
    expect((await asClient(newToken, clientId, org.imsOrg)).statusCode).toBe(200);
    // Another client of another org is untouched.
    expect((await asClient(t.token, t.credentials.clientId, t.credentials.imsOrg)).statusCode).toBe(200);

    // Revocation: the current token stops working too, and no new one is issued.
    const revoked = await admin('DELETE', `/clients/${clientId}`);
    expect(revoked.json()).toMatchObject({ clientId, revoked: true });
    expect((await asClient(newToken, clientId, org.imsOrg)).statusCode).toBe(401);
    expect((await tokenFor(clientId, newSecret)).statusCode).toBe(401);
    expect((await admin('POST', `/clients/${clientId}/rotate`)).statusCode).toBe(409);

    const listed = (await admin('GET', `/orgs/${org.imsOrg}/clients`)).json().clients;
    expect(listed).toEqual([expect.objectContaining({ clientId, name: 'etl', secretVersion: 2, revoked: true })]);
    expect(JSON.stringify(listed)).not.toMatch(/p8e-|secret_hash|secretHash/);
    expect((await admin('GET', '/clients/unknown')).statusCode).toBe(404);
    expect((await admin('POST', '/orgs/NOPE@AdobeOrg/clients', { name: 'x' })).statusCode).toBe(404);
  });

  it('takes TRIBUTARY_ADMIN_TOKEN instead of admin.json when configured', async () => {
    const other = await startTestPlatform({ env: { TRIBUTARY_ADMIN_TOKEN: 'configured-admin-token-0123456789' } });
    try {
      const ok = await other.app.inject({
        method: 'GET',
        url: '/tributary/admin/orgs',
        headers: { authorization: 'Bearer configured-admin-token-0123456789' },
      });
      expect(ok.statusCode).toBe(200);
      expect(
        (await other.app.inject({ method: 'GET', url: '/tributary/admin/orgs', headers: { authorization: `Bearer ${adminToken}` } })).statusCode,
      ).toBe(401);
    } finally {
      await other.close();
    }
  });
});
