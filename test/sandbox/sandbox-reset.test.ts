/**
 * Sandbox management over HTTP: two development sandboxes are created and filled through the public API
 * (connection, schema, dataset, mapping set, flow and a run that lands Parquet in the lake); one is reset
 * and comes back empty, the other is untouched; then one is deleted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { fillSandbox, waitForRun, type Call, type Filled } from '../ops/fill-sandbox.js';

const SM = '/data/foundation/sandbox-management';

/** The folder named `name` anywhere under `root` (the lake's layout is the lake's business). */
function findDir(root: string, name: string): string | null {
  if (!existsSync(root)) return null;
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    if (entry.name === name) return join(root, name);
    const found = findDir(join(root, entry.name), name);
    if (found) return found;
  }
  return null;
}

function parquetUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.parquet'));
}

describe('sandboxes: create, reset, delete', () => {
  let t: TestPlatform;
  let folder: string;
  const filled: Record<string, Filled> = {};
  const as =
    (sandbox: string): Call =>
    async (method, url, body) => {
      const response = await t.call(method as never, url, body, { 'x-sandbox-name': sandbox });
      return { status: response.statusCode, json: response.body ? response.json() : undefined };
    };

  async function waitForState(name: string, state: string) {
    await t.platform.sandboxes.settle();
    const response = await t.call('GET', `${SM}/sandboxes/${name}`);
    expect(response.json().state).toBe(state);
  }

  beforeAll(async () => {
    t = await startTestPlatform();
    await t.platform.startBackground();
    folder = mkdtempSync(join(tmpdir(), 'tributary-sandbox-'));
  });
  afterAll(async () => {
    await t?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  it('lists the production sandbox and the sandbox types', async () => {
    const types = await t.call('GET', `${SM}/sandboxTypes`);
    expect(types.json()).toEqual({
      sandboxTypes: [
        { id: 'production', title: 'Production' },
        { id: 'development', title: 'Development' },
      ],
    });
    const list = await t.call('GET', `${SM}/sandboxes`);
    expect(list.statusCode).toBe(200);
    expect(list.json().sandboxes).toEqual([
      expect.objectContaining({ name: 'prod', type: 'production', state: 'active', isDefault: true, region: 'local' }),
    ]);
    expect(list.json()._page).toEqual({ limit: 50, count: 1 });
  });

  it('creates development sandboxes and refuses a second production one, a duplicate and a bad name', async () => {
    for (const name of ['dev-a', 'dev-b']) {
      const created = await t.call('POST', `${SM}/sandboxes`, { name, title: `Sandbox ${name}`, type: 'development' });
      expect(created.statusCode).toBe(202);
      expect(created.json()).toMatchObject({ name, title: `Sandbox ${name}`, type: 'development', state: 'active', isDefault: false });
    }
    expect((await t.call('POST', `${SM}/sandboxes`, { name: 'prod2', title: 'P', type: 'production' })).statusCode).toBe(400);
    expect((await t.call('POST', `${SM}/sandboxes`, { name: 'dev-a', title: 'again', type: 'development' })).statusCode).toBe(409);
    const bad = await t.call('POST', `${SM}/sandboxes`, { name: 'Not OK!', title: 'x', type: 'development' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().type).toMatch(/SANDBOX/);
    const filtered = await t.call('GET', `${SM}/sandboxes?property=type==development&orderBy=desc:name`);
    expect(filtered.json().sandboxes.map((s: { name: string }) => s.name)).toEqual(['dev-b', 'dev-a']);
  });

  it('fills both sandboxes with a landed run, each seeing only its own', async () => {
    for (const name of ['dev-a', 'dev-b']) {
      const made = await fillSandbox(as(name), join(folder, name));
      const run = await waitForRun(as(name), made.flowId);
      // One of the four records fails: a partial success.
      expect(run.metrics.statusSummary.status).toBe('partialSuccess');
      expect(run.metrics.recordSummary.outputRecordCount).toBe(3);
      filled[name] = { ...made, runId: run.id };
      const namespace = await as(name)('POST', '/data/core/idnamespace/identities', {
        name: `CRM ${name}`,
        code: `crm${name.replace('-', '')}`,
        idType: 'CROSS_DEVICE',
        description: 'custom',
      });
      expect(namespace.status).toBeLessThan(300);
      const query = await as(name)('POST', '/data/foundation/query/queries', { dbName: 'prod:all', sql: 'select 1 as one', name: `q-${name}` });
      expect(query.status).toBe(202);
    }
    // Nothing of one sandbox is visible from the other.
    expect((await as('dev-b')('GET', `/data/foundation/catalog/dataSets/${filled['dev-a']!.datasetId}`)).status).toBe(404);
    expect((await as('dev-b')('GET', `/data/foundation/flowservice/flows/${filled['dev-a']!.flowId}`)).status).toBe(404);
    expect(Object.keys((await as('prod')('GET', '/data/foundation/catalog/dataSets')).json)).toEqual([]);
  });

  it('resets one sandbox: it comes back active and empty, lake files included; the other is untouched', async () => {
    const a = filled['dev-a']!;
    const b = filled['dev-b']!;
    const sandboxIdOf = async (name: string) => (await t.call('GET', `${SM}/sandboxes/${name}`)).json().id as string;
    const lakeOfSandbox = async (name: string) => findDir(t.platform.config.lakeDir, await sandboxIdOf(name));
    expect(await lakeOfSandbox('dev-a')).not.toBeNull();
    expect(await lakeOfSandbox('dev-b')).not.toBeNull();

    const reset = await t.call('PUT', `${SM}/sandboxes/dev-a`, { action: 'reset' });
    expect(reset.statusCode).toBe(202);
    expect(reset.json()).toMatchObject({ name: 'dev-a', state: 'resetting' });
    await waitForState('dev-a', 'active');

    const emptyA = as('dev-a');
    expect((await emptyA('GET', '/data/foundation/flowservice/flows')).json.items).toEqual([]);
    expect((await emptyA('GET', '/data/foundation/flowservice/connections')).json.items).toEqual([]);
    expect((await emptyA('GET', '/data/foundation/flowservice/sourceConnections')).json.items ?? []).toEqual([]);
    expect((await emptyA('GET', `/data/foundation/flowservice/runs/${a.runId}`)).status).toBe(404);
    expect(await emptyA('GET', '/data/foundation/catalog/dataSets').then((r) => r.json)).toEqual({});
    expect(await emptyA('GET', '/data/foundation/catalog/batches').then((r) => r.json)).toEqual({});
    expect((await emptyA('GET', `/data/foundation/conversion/mappingSets/${a.mappingId}`)).status).toBe(404);
    const xed = (sandbox: string, id: string) =>
      t.call('GET', `/data/foundation/schemaregistry/tenant/schemas/${encodeURIComponent(id)}`, undefined, {
        'x-sandbox-name': sandbox,
        accept: 'application/vnd.adobe.xed+json; version=1',
      });
    expect((await xed('dev-a', a.schemaId)).statusCode).toBe(404);
    const codes = async (sandbox: string) => JSON.stringify((await as(sandbox)('GET', '/data/core/idnamespace/identities')).json);
    expect(await codes('dev-a')).not.toContain('crmdeva');
    const queries = async (sandbox: string) => JSON.stringify((await as(sandbox)('GET', '/data/foundation/query/queries')).json);
    expect(await queries('dev-a')).not.toContain('q-dev-a');
    const lakeA = await lakeOfSandbox('dev-a');
    // The sandbox's folder may stay, but no Parquet file of it does.
    expect(lakeA === null ? [] : parquetUnder(lakeA)).toEqual([]);
    expect(parquetUnder((await lakeOfSandbox('dev-b'))!).length).toBeGreaterThan(0);

    const stillB = as('dev-b');
    expect((await stillB('GET', `/data/foundation/flowservice/flows/${b.flowId}`)).status).toBe(200);
    expect((await stillB('GET', `/data/foundation/flowservice/runs/${b.runId}`)).json.items[0].metrics.statusSummary.status).toBe('partialSuccess');
    expect((await stillB('GET', `/data/foundation/catalog/dataSets/${b.datasetId}`)).status).toBe(200);
    const batches = (await stillB('GET', `/data/foundation/catalog/batches?dataSet=${b.datasetId}`)).json;
    const batchId = Object.keys(batches)[0]!;
    const files = (await stillB('GET', `/data/foundation/export/batches/${batchId}/files`)).json;
    expect(files.data.length).toBeGreaterThan(0);
    expect((await stillB('GET', `/data/foundation/conversion/mappingSets/${b.mappingId}`)).status).toBe(200);
    expect((await xed('dev-b', b.schemaId)).statusCode).toBe(200);
    expect(await codes('dev-b')).toContain('crmdevb');
    expect(await queries('dev-b')).toContain('q-dev-b');

    // The emptied sandbox takes new work again.
    const again = await fillSandbox(emptyA, join(folder, 'dev-a-again'));
    expect((await waitForRun(emptyA, again.flowId)).metrics.statusSummary.status).toBe('partialSuccess');
  });

  it('refuses calls into a sandbox while it is being reset', async () => {
    await t.platform.db.query(`update sandboxes set state = 'resetting' where name = 'dev-b'`);
    const refused = await as('dev-b')('GET', '/data/foundation/catalog/dataSets');
    expect(refused.status).toBe(403);
    // Sandbox management still answers, so the state can be followed.
    expect((await as('dev-b')('GET', `${SM}/sandboxes/dev-b`)).json.state).toBe('resetting');
    await t.platform.db.query(`update sandboxes set state = 'active' where name = 'dev-b'`);
    expect((await as('dev-b')('GET', '/data/foundation/catalog/dataSets')).status).toBe(200);
  });

  it('deletes a development sandbox but never the default production one', async () => {
    expect((await t.call('DELETE', `${SM}/sandboxes/prod`)).statusCode).toBe(403);
    const deleted = await t.call('DELETE', `${SM}/sandboxes/dev-a`);
    expect(deleted.statusCode).toBe(202);
    expect(deleted.json().state).toBe('deleting');
    await waitForState('dev-a', 'deleted');
    expect((await as('dev-a')('GET', '/data/foundation/catalog/dataSets')).status).toBe(403);
    const names = (await t.call('GET', `${SM}/sandboxes`)).json().sandboxes.map((s: { name: string }) => s.name);
    expect(names).toEqual(['prod', 'dev-b']);
    // The name may be used again, for a new, empty sandbox.
    expect((await t.call('POST', `${SM}/sandboxes`, { name: 'dev-a', title: 'Again', type: 'development' })).statusCode).toBe(202);
    expect(await as('dev-a')('GET', '/data/foundation/catalog/dataSets').then((r) => r.json)).toEqual({});
  });
});
