import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { waitFor } from '../support/wait-for.js';

const PROBE = '/data/foundation/flowservice/flowSpecs';

describe.each(['pglite', 'postgres'] as const)('gateway authentication on %s', (database) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform({ database });
  });
  afterAll(async () => t?.close());

  it('issues a bearer token for the client credentials grant', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/ims/token/v3',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `grant_type=client_credentials&client_id=${t.credentials.clientId}&client_secret=${encodeURIComponent(t.credentials.clientSecret)}&scope=openid,AdobeID`,
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.token_type).toBe('bearer');
    expect(body.expires_in).toBeGreaterThan(0);
    expect(body.access_token.split('.')).toHaveLength(3);
  });

  it('refuses a wrong secret and an unknown client alike, in the OAuth shape', async () => {
    for (const id of [t.credentials.clientId, 'nobody']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/ims/token/v3',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `grant_type=client_credentials&client_id=${id}&client_secret=wrong`,
      });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toEqual({ error: 'invalid_client', error_description: 'invalid client credentials' });
    }
  });

  it('refuses a call without a token', async () => {
    const { authorization: _, ...rest } = t.headers;
    const res = await t.app.inject({ method: 'GET', url: PROBE, headers: rest });
    expect(res.statusCode).toBe(401);
    expect(res.json().error_code).toBe('401013');
  });

  it('refuses a tampered token', async () => {
    const [h, p, s] = t.token.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
    payload.org = 'SOMEONEELSE@AdobeOrg';
    const forged = [h, Buffer.from(JSON.stringify(payload)).toString('base64url'), s].join('.');
    const res = await t.app.inject({ method: 'GET', url: PROBE, headers: { ...t.headers, authorization: `Bearer ${forged}` } });
    expect(res.statusCode).toBe(401);
  });

  it('refuses a token signed with another key, even one already expired', async () => {
    const foreign = await new SignJWT({ org: t.credentials.imsOrg, sv: 1 })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(t.credentials.clientId)
      .setExpirationTime(Math.floor(Date.now() / 1000) + 600)
      .sign(new Uint8Array(32));
    const res = await t.app.inject({ method: 'GET', url: PROBE, headers: { ...t.headers, authorization: `Bearer ${foreign}` } });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error_code: '401013', message: 'Oauth token is not valid' });
  });

  it('refuses a wrong api key, a foreign org header and an unknown sandbox', async () => {
    const cases: Array<[Record<string, string>, number]> = [
      [{ 'x-api-key': 'someone-else' }, 403],
      [{ 'x-gw-ims-org-id': 'AAAAAAAAAAAAAAAAAAAAAAAA@AdobeOrg' }, 403],
      [{ 'x-sandbox-name': 'nope' }, 403],
    ];
    for (const [override, status] of cases) {
      const res = await t.app.inject({ method: 'GET', url: PROBE, headers: { ...t.headers, ...override } });
      expect(res.statusCode).toBe(status);
      expect(res.json().message).toBeTruthy();
    }
  });

  it('refuses another org’s token', async () => {
    const other = await t.platform.identity.createOrg({ name: 'Other' });
    const client = await t.platform.identity.createClient(other.orgId, 'other');
    const { accessToken } = await t.platform.identity.issueToken(client.clientId, client.clientSecret);
    // The other org's token with this org's headers: the org header does not match the token.
    const res = await t.app.inject({ method: 'GET', url: PROBE, headers: { ...t.headers, authorization: `Bearer ${accessToken}` } });
    expect([401, 403]).toContain(res.statusCode);
  });

  it('answers unknown routes with 404 in the service shape', async () => {
    const res = await t.call('GET', '/data/foundation/catalog/nothing-here');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ status: 404, title: 'Not Found' });
  });
});

describe('token expiry', () => {
  it('refuses a token once its lifetime has passed', async () => {
    const t = await startTestPlatform({ env: { TRIBUTARY_TOKEN_TTL_SECONDS: '2' } });
    try {
      // A token of its own, issued just now: the platform's start-up on a loaded machine may outlast the first one.
      const { accessToken } = await t.platform.identity.issueToken(t.credentials.clientId, t.credentials.clientSecret);
      const fresh = { authorization: `Bearer ${accessToken}` };
      const ok = await t.call('GET', PROBE, undefined, fresh);
      expect(ok.statusCode).not.toBe(401);
      // Asks until the two-second lifetime has passed rather than sleeping a fixed time past it.
      const res = await waitFor(
        async () => {
          const answer = await t.call('GET', PROBE, undefined, fresh);
          return answer.statusCode === 401 && answer;
        },
        { timeoutMs: 10_000, what: 'the token to expire' },
      );
      expect(res.statusCode).toBe(401);
      expect(res.json().message).toMatch(/expired/);
    } finally {
      await t.close();
    }
  });
});
