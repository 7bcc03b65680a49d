import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

const FS = '/data/foundation/flowservice';
const CATALOG = '/data/foundation/catalog';
const IMPORT = '/data/foundation/import';
const JSON_TYPE = { 'content-type': 'application/json' };

/**
 * Adobe's generated API clients send `Content-Type: application/json` on every call, bodiless
 * DELETEs and `?action=` POSTs included. AEP takes them; so must Tributary.
 */
describe('an empty body under a JSON content type', () => {
  let t: TestPlatform;
  let datasetId: string;

  beforeAll(async () => {
    t = await startTestPlatform();
    const schema = (
      await t.call('POST', '/data/foundation/schemaregistry/tenant/schemas', {
        type: 'object',
        title: 'empty bodies',
        allOf: [{ $ref: 'https://ns.adobe.com/xdm/context/profile' }],
      })
    ).json();
    const created = await t.call('POST', `${CATALOG}/dataSets`, { name: 'empty bodies', schemaRef: { id: schema.$id } });
    datasetId = String(created.json()[0]).split('/').pop()!;
  });
  afterAll(() => t?.close());

  it('is accepted on a DELETE', async () => {
    const made = await t.call('POST', `${FS}/connections`, {
      name: 's3',
      auth: { specName: 'Access Key', params: { s3AccessKey: 'k', s3SecretKey: 's' } },
      connectionSpec: { id: 'ecadc60c-7455-4d87-84dc-2a0e293d997b', version: '1.0' },
    });
    expect(made.statusCode, made.body).toBe(201);
    const id = made.json().id;
    for (const contentType of ['application/json', 'application/json; charset=utf-8', 'application/vnd.adobe.xed+json']) {
      const response = await t.call('DELETE', `${FS}/connections/${id}`, '', { 'content-type': contentType });
      // The first DELETE removes it; the others find nothing. None is refused for its body.
      expect([204, 404], `${contentType}: ${response.body}`).toContain(response.statusCode);
      expect(response.body).not.toMatch(/Body cannot be empty/);
    }
    expect((await t.call('GET', `${FS}/connections/${id}`)).statusCode).toBe(404);
  });

  it('is accepted on a POST whose action takes no body', async () => {
    const batch = await t.call('POST', `${IMPORT}/batches`, { datasetId, inputFormat: { format: 'json' } });
    expect(batch.statusCode, batch.body).toBe(201);
    const abort = await t.call('POST', `${IMPORT}/batches/${batch.json().id}?action=ABORT`, '', JSON_TYPE);
    expect(abort.statusCode, abort.body).toBe(200);
    const state = await t.call('GET', `${CATALOG}/batches/${batch.json().id}`);
    expect(Object.values(state.json() as Record<string, { status: string }>)[0]?.status).toBe('aborted');
  });

  it('still answers a route that needs a body with its own error, in its own shape', async () => {
    const response = await t.call('POST', `${FS}/connections`, '', JSON_TYPE);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ type: expect.stringMatching(/FLOW|error/i), title: expect.any(String) });
    expect(response.body).not.toMatch(/Body cannot be empty/);
    const broken = await t.call('POST', `${FS}/connections`, '{"name": ', JSON_TYPE);
    expect(broken.statusCode).toBe(400);
  });
});
