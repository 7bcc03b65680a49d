/** The OpenAPI document of Tributary's own API: valid OpenAPI 3 (checked by a validator), covering every route. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import SwaggerParser from '@apidevtools/swagger-parser';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

describe('API documentation', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform();
  });
  afterAll(async () => t?.close());

  it('serves a valid OpenAPI 3 document at /docs/json that covers every route', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/docs/json' });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    expect(document.openapi).toMatch(/^3\./);
    // The validator checks the document against the OpenAPI 3 schema and resolves every $ref.
    await SwaggerParser.validate(structuredClone(document));

    const paths = document.paths as Record<string, Record<string, unknown>>;
    const toOpenApi = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}').replace(/\*$/, '{*}');
    const missing = t.app.registeredRoutes
      // The documentation's own pages, and routes their authors hid (the web UI's static files), are not API operations.
      .filter((r) => !r.url.startsWith('/docs') && !r.hidden)
      .filter((r) => !paths[toOpenApi(r.url)]?.[r.method.toLowerCase()]);
    expect(missing.map((r) => `${r.method} ${r.url}`)).toEqual([]);
    // Every part of the API is there.
    for (const prefix of [
      '/ims/token/v3',
      '/data/foundation/flowservice/',
      '/data/foundation/catalog/',
      '/data/foundation/schemaregistry/',
      '/data/foundation/sandbox-management/',
      '/tributary/admin/',
      '/health',
      '/ready',
      '/metrics',
    ]) {
      expect(
        Object.keys(paths).some((p) => p.startsWith(prefix)),
        prefix,
      ).toBe(true);
    }
    expect(paths['/data/foundation/sandbox-management/sandboxes/{sandboxName}']!.put).toMatchObject({
      security: [{ bearerAuth: [], apiKey: [], imsOrg: [] }],
    });
    expect(paths['/tributary/admin/orgs']!.post).toMatchObject({ security: [{ adminToken: [] }] });
  });

  it('serves a browsable page at /docs', async () => {
    const page = await t.app.inject({ method: 'GET', url: '/docs' });
    const html = page.statusCode === 302 ? await t.app.inject({ method: 'GET', url: page.headers.location as string }) : page;
    expect(html.statusCode).toBe(200);
    expect(html.headers['content-type']).toMatch(/text\/html/);
    expect(html.body).toContain('swagger-ui');
  });
});
