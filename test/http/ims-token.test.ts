import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

const PROBE = '/data/foundation/flowservice/flowSpecs';

/** IMS's token endpoint in both versions AEP's clients call, with the parameters where each client puts them. */
describe('POST /ims/token/v2 and v3', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform();
  });
  afterAll(() => t?.close());

  const grant = () =>
    new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: t.credentials.clientId,
      client_secret: t.credentials.clientSecret,
      scope: 'openid',
    });

  async function expectUsable(accessToken: string): Promise<void> {
    const probe = await t.app.inject({ method: 'GET', url: PROBE, headers: { ...t.headers, authorization: `Bearer ${accessToken}` } });
    expect(probe.statusCode, probe.body).toBe(200);
  }

  for (const version of ['v2', 'v3']) {
    it(`issues a token on ${version} from the form body and from the query string`, async () => {
      const fromForm = await t.app.inject({
        method: 'POST',
        url: `/ims/token/${version}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: grant().toString(),
      });
      expect(fromForm.statusCode, fromForm.body).toBe(200);
      expect(fromForm.json()).toMatchObject({ token_type: 'bearer', expires_in: expect.any(Number) });
      await expectUsable(fromForm.json().access_token);
      const fromQuery = await t.app.inject({ method: 'POST', url: `/ims/token/${version}?${grant().toString()}` });
      expect(fromQuery.statusCode, fromQuery.body).toBe(200);
      await expectUsable(fromQuery.json().access_token);
    });
  }

  it('knows no other version', async () => {
    const response = await t.app.inject({ method: 'POST', url: `/ims/token/v9?${grant().toString()}` });
    expect(response.statusCode).toBe(404);
  });
});
