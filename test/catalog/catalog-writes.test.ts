/**
 * Catalog's write routes (issue 16): `POST /batches`, `PUT|PATCH /batches/{id}`, `PUT /dataSets/{id}` and
 * `GET /tags/{tagNamespace}`, in Catalog's shapes (validated against Adobe's Catalog spec) and with the import
 * API's state rules. Batch states are rows moved under concurrency: both databases.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATALOG, IMPORT, makeDataset, upload, waitForBatch } from '../ingest/support.js';
import { OpenApiSpec } from '../support/openapi-spec.js';
import { startTestPlatform, type TestDatabase, type TestPlatform } from '../support/platform.js';

const spec = new OpenApiSpec(fileURLToPath(new URL('./spec/catalog.yaml', import.meta.url)), CATALOG);
const PEOPLE = `${JSON.stringify({ person: { name: { firstName: 'Ada' } } })}\n${JSON.stringify({ person: { name: { firstName: 'Bob' } } })}\n`;

describe.each(['pglite', 'postgres'] as TestDatabase[])('Catalog writes on %s', (database) => {
  let t: TestPlatform;
  let datasetId: string;
  let schemaId: string;
  beforeAll(async () => {
    t = await startTestPlatform({ database });
    await t.platform.startBackground({ scheduler: false });
    ({ datasetId, schemaId } = await makeDataset(t, `catalog writes ${database}`));
  });
  afterAll(async () => t?.close());

  const openBatch = async (extra: Record<string, unknown> = {}) => {
    const res = await spec.call(t, 'POST', `${CATALOG}/batches`, {
      status: 'loading',
      relatedObjects: [{ type: 'dataSet', id: datasetId }],
      inputFormat: { format: 'json' },
      ...extra,
    });
    expect(res.statusCode, res.body).toBe(201);
    const [ref] = res.json() as string[];
    expect(ref).toMatch(/^@\/batches\/[0-9a-z]+$/i);
    return ref!.split('/').pop()!;
  };
  const batch = async (id: string) => (await spec.call(t, 'GET', `${CATALOG}/batches/${id}`)).json()[id];

  it('POST /batches opens a loading batch the import API uploads into; status success completes it', async () => {
    const id = await openBatch({ tags: { team: ['growth'] } });
    expect(await batch(id)).toMatchObject({ status: 'loading', tags: { team: ['growth'] }, relatedObjects: [{ type: 'dataSet', id: datasetId }] });
    const put = await upload(t, 'PUT', `${IMPORT}/batches/${id}/datasets/${datasetId}/files/people.json`, PEOPLE);
    expect(put.statusCode, put.body).toBe(201);
    const done = await spec.call(t, 'PATCH', `${CATALOG}/batches/${id}`, { status: 'success' });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toEqual([`@/batches/${id}`]);
    const landed = await waitForBatch(t, id);
    expect(landed).toMatchObject({ status: 'success', recordCount: 2 });
    // Landed: it cannot be aborted or completed again; it can be reverted, as REVERT does.
    expect((await t.call('PATCH', `${CATALOG}/batches/${id}`, { status: 'aborted' })).statusCode).toBe(409);
    expect((await t.call('PATCH', `${CATALOG}/batches/${id}`, { status: 'active' })).statusCode).toBe(200);
    expect((await spec.call(t, 'PATCH', `${CATALOG}/batches/${id}`, { status: 'inactive' })).statusCode).toBe(200);
    expect((await batch(id)).status).toBe('inactive');
  });

  it('refuses a new batch that is not loading, names no dataset, or sets what Catalog computes', async () => {
    const base = { status: 'loading', relatedObjects: [{ type: 'dataSet', id: datasetId }] };
    const cases: Array<[unknown, number, RegExp]> = [
      [{ ...base, status: undefined }, 400, /status/],
      [{ ...base, status: 'success' }, 400, /loading/],
      [{ status: 'loading' }, 400, /relatedObjects/],
      [{ ...base, recordCount: 5 }, 400, /recordCount/],
      [{ ...base, relatedObjects: [{ type: 'dataSet', id: '000000000000000000000000' }] }, 404, /not found/],
      [{ ...base, inputFormat: { format: 'xml' } }, 400, /format/],
    ];
    for (const [body, status, message] of cases) {
      const res = await t.call('POST', `${CATALOG}/batches`, body);
      expect(res.statusCode, `${JSON.stringify(body)} ${res.body}`).toBe(status);
      expect(res.body).toMatch(message);
    }
  });

  it('PATCH merges tags and PUT replaces them; managed fields may be sent back unchanged, never changed', async () => {
    const id = await openBatch({ tags: { a: ['1'], b: ['2'] } });
    expect((await spec.call(t, 'PATCH', `${CATALOG}/batches/${id}`, { tags: { b: null, c: ['3'] } })).statusCode).toBe(200);
    expect((await batch(id)).tags).toEqual({ a: ['1'], c: ['3'] });
    const current = await batch(id);
    const replaced = await spec.call(t, 'PUT', `${CATALOG}/batches/${id}`, { ...current, tags: { d: ['4'] } });
    expect(replaced.statusCode, replaced.body).toBe(200);
    expect(await batch(id)).toMatchObject({ status: 'loading', tags: { d: ['4'] } });
    const forged = await t.call('PATCH', `${CATALOG}/batches/${id}`, { recordCount: 1000 });
    expect(forged.statusCode).toBe(400);
    expect(forged.body).toMatch(/recordCount/);
    expect((await t.call('PUT', `${CATALOG}/batches/${id}`, { tags: {} })).statusCode).toBe(400);
    expect((await t.call('PATCH', `${CATALOG}/batches/${id}`, { status: 'deleted' })).statusCode).toBe(400);
    expect((await t.call('PATCH', `${CATALOG}/batches/${id}`, { tags: { acp_partialIngestionPercent: ['200'] } })).statusCode).toBe(400);
    expect((await t.call('PATCH', `${CATALOG}/batches/nope`, { status: 'aborted' })).statusCode).toBe(404);
  });

  it('status aborted and failed end a loading batch once; two at the same time: one wins', async () => {
    const aborted = await openBatch();
    expect((await spec.call(t, 'PATCH', `${CATALOG}/batches/${aborted}`, { status: 'aborted' })).statusCode).toBe(200);
    expect((await batch(aborted)).status).toBe('aborted');
    expect((await t.call('PATCH', `${CATALOG}/batches/${aborted}`, { status: 'failed' })).statusCode).toBe(409);
    // Saying again what the batch already is changes nothing.
    expect((await t.call('PATCH', `${CATALOG}/batches/${aborted}`, { status: 'aborted' })).statusCode).toBe(200);

    const raced = await openBatch();
    const answers = await Promise.all([
      t.call('PATCH', `${CATALOG}/batches/${raced}`, { status: 'aborted' }),
      t.call('PATCH', `${CATALOG}/batches/${raced}`, { status: 'failure' }),
    ]);
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 409]);
    const won = answers[0]!.statusCode === 200 ? 'aborted' : 'failed';
    expect((await batch(raced)).status).toBe(won);
  });

  it('PUT /dataSets replaces name, description and tags, keeps the table tag, and follows the schema rule', async () => {
    const created = await t.call('POST', `${CATALOG}/dataSets`, {
      name: 'Replace me',
      description: 'old',
      schemaRef: { id: schemaId },
      tags: { owner: ['a'], stale: ['x'] },
    });
    const id = created.json()[0].split('/').pop();
    const before = (await spec.call(t, 'GET', `${CATALOG}/dataSets/${id}`)).json()[id];
    const res = await spec.call(t, 'PUT', `${CATALOG}/dataSets/${id}`, {
      ...before,
      name: 'Replaced',
      description: undefined,
      tags: { owner: ['b'] },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toEqual([`@/dataSets/${id}`]);
    const after = (await t.call('GET', `${CATALOG}/dataSets/${id}`)).json()[id];
    expect(after.name).toBe('Replaced');
    expect(after.description).toBeUndefined();
    expect(after.tags).toEqual({ owner: ['b'], 'adobe/pqs/table': before.tags['adobe/pqs/table'] });
    expect((await t.call('PUT', `${CATALOG}/dataSets/${id}`, { name: 'no schema' })).statusCode).toBe(400);
    expect(
      (await t.call('PUT', `${CATALOG}/dataSets/${id}`, { name: 'x', schemaRef: { id: 'https://ns.adobe.com/none/schemas/x' } })).statusCode,
    ).toBe(400);
    expect((await t.call('PUT', `${CATALOG}/dataSets/000000000000000000000000`, { name: 'x', schemaRef: { id: schemaId } })).statusCode).toBe(404);
  });

  it('GET /tags/{namespace} aggregates tag values over datasets and batches', async () => {
    await t.call('POST', `${CATALOG}/dataSets`, { name: 'Tagged one', schemaRef: { id: schemaId }, tags: { 'acme/region': ['eu', 'us'] } });
    await t.call('POST', `${CATALOG}/dataSets`, { name: 'Tagged two', schemaRef: { id: schemaId }, tags: { 'acme/region': ['eu', 'apac'] } });
    const batchId = await openBatch({ tags: { 'acme/region': ['latam'], acme: ['root'] } });
    const res = await spec.call(t, 'GET', `${CATALOG}/tags/acme`);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body['acme/region']).toEqual(['apac', 'eu', 'latam', 'us']);
    expect(body.acme).toEqual(['root']);
    expect(body.objectType.datasets).toHaveLength(2);
    expect(body.objectType.batches).toEqual([`@/Batch/${batchId}`]);
    expect((await t.call('GET', `${CATALOG}/tags/nobody-uses-this`)).statusCode).toBe(404);
  });
});
