import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

/**
 * Every resource belongs to one org and one sandbox: the same client, in another sandbox of its
 * own org, sees none of them, and another org sees none either — 404, never data.
 */
describe('sandbox and org isolation across services', () => {
  let t: TestPlatform;
  let folder: string;
  const urls: string[] = [];

  beforeAll(async () => {
    t = await startTestPlatform();
    folder = mkdtempSync(join(tmpdir(), 'tributary-isolation-'));
    await t.platform.identity.createSandbox(t.credentials.imsOrg, { name: 'dev' });

    const conn = (
      await t.call('POST', '/data/foundation/flowservice/connections', {
        name: 'local',
        auth: { specName: 'Local Folder', params: { path: folder } },
        connectionSpec: { id: '9c1d2e3f-4a5b-4c6d-8e7f-a0b1c2d3e4f5' },
      })
    ).json();
    urls.push(`/data/foundation/flowservice/connections/${conn.id}`);
    const schema = (
      await t.call('POST', '/data/foundation/schemaregistry/tenant/schemas', {
        type: 'object',
        title: 'isolated',
        allOf: [{ $ref: 'https://ns.adobe.com/xdm/context/profile' }],
      })
    ).json();
    urls.push(`/data/foundation/schemaregistry/tenant/schemas/${encodeURIComponent(schema.$id)}`);
    const dataset = (await t.call('POST', '/data/foundation/catalog/dataSets', { name: 'isolated', schemaRef: { id: schema.$id } })).json();
    urls.push(`/data/foundation/catalog/dataSets/${dataset[0].split('/').pop()}`);
    const mapping = (
      await t.call('POST', '/data/foundation/conversion/mappingSets', {
        xdmSchema: schema.$id,
        mappings: [{ sourceType: 'ATTRIBUTE', source: 'id', destination: '_id' }],
      })
    ).json();
    urls.push(`/data/foundation/conversion/mappingSets/${mapping.id}`);
  });
  afterAll(async () => {
    await t?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('finds each resource in its own sandbox', async () => {
    for (const url of urls) {
      const res = await t.call('GET', url, undefined, { accept: 'application/vnd.adobe.xed+json; version=1' });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    }
  });

  it('answers 404 for the same ids from another sandbox of the org', async () => {
    for (const url of urls) {
      const res = await t.call('GET', url, undefined, { 'x-sandbox-name': 'dev', accept: 'application/vnd.adobe.xed+json; version=1' });
      expect(res.statusCode, url).toBe(404);
      expect(res.body).not.toContain('isolated');
    }
  });

  it('answers 404 for the same ids to another org', async () => {
    const other = await t.platform.identity.createOrg({ name: 'Elsewhere' });
    const client = await t.platform.identity.createClient(other.orgId, 'elsewhere');
    const { accessToken } = await t.platform.identity.issueToken(client.clientId, client.clientSecret);
    const headers = {
      authorization: `Bearer ${accessToken}`,
      'x-api-key': client.clientId,
      'x-gw-ims-org-id': other.orgId,
      'x-sandbox-name': 'prod',
      accept: 'application/vnd.adobe.xed+json; version=1',
    };
    for (const url of urls) {
      const res = await t.app.inject({ method: 'GET', url, headers });
      expect(res.statusCode, url).toBe(404);
      expect(res.body).not.toContain('isolated');
    }
  });
});
