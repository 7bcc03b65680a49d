/**
 * Each dataset has its own Query Service table: a dataset named like an existing one gets the table name with a
 * numeric suffix (`_1`, `_2`, …, as AEP does), shown in its `adobe/pqs/table` tag, and `FROM name` reads that
 * dataset and no other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { CATALOG, IMPORT, completeBatch, makeDataset, sql, upload } from '../ingest/support.js';

describe('dataset table names', () => {
  let t: TestPlatform;

  beforeAll(async () => {
    t = await startTestPlatform();
    await t.platform.startBackground({ scheduler: false });
  });
  afterAll(async () => t?.close());

  async function land(datasetId: string, ids: string[]): Promise<void> {
    const batch = (await t.call('POST', `${IMPORT}/batches`, { datasetId, inputFormat: { format: 'json' } })).json();
    const rows = ids.map((id) => JSON.stringify({ _id: id, person: { name: { firstName: id } } })).join('\n');
    await upload(t, 'PUT', `${IMPORT}/batches/${batch.id}/datasets/${datasetId}/files/rows.json`, rows);
    expect((await completeBatch(t, batch.id)).status).toBe('success');
  }

  const tableOf = async (datasetId: string) => (await t.call('GET', `${CATALOG}/dataSets/${datasetId}`)).json()[datasetId].tags['adobe/pqs/table'];

  it('gives same-named datasets their own tables, and SQL reads each by its name', async () => {
    const first = (await makeDataset(t, 'Loyalty Members')).datasetId;
    const second = (await makeDataset(t, 'Loyalty Members')).datasetId;
    const third = (await makeDataset(t, 'loyalty-members')).datasetId;
    expect(await tableOf(first)).toEqual(['loyalty_members']);
    expect(await tableOf(second)).toEqual(['loyalty_members_1']);
    expect(await tableOf(third)).toEqual(['loyalty_members_2']);

    await land(first, ['a1', 'a2']);
    await land(second, ['b1']);
    await land(third, ['c1', 'c2', 'c3']);
    expect((await sql(t, 'SELECT _id FROM loyalty_members ORDER BY _id')).rows).toEqual([{ _id: 'a1' }, { _id: 'a2' }]);
    expect((await sql(t, 'SELECT _id FROM loyalty_members_1')).rows).toEqual([{ _id: 'b1' }]);
    expect((await sql(t, 'SELECT count(*) AS n FROM loyalty_members_2')).rows).toEqual([{ n: '3' }]);
  });

  it('keeps a table name fixed when the tag is patched, and frees it when the dataset is deleted', async () => {
    const a = (await makeDataset(t, 'Orders')).datasetId;
    const patched = await t.call('PATCH', `${CATALOG}/dataSets/${a}`, { tags: { 'adobe/pqs/table': ['something_else'], team: ['x'] } });
    expect(patched.statusCode).toBe(200);
    expect((await t.call('GET', `${CATALOG}/dataSets/${a}`)).json()[a].tags).toMatchObject({ 'adobe/pqs/table': ['orders'], team: ['x'] });
    expect((await t.call('DELETE', `${CATALOG}/dataSets/${a}`)).statusCode).toBe(200);
    const b = (await makeDataset(t, 'Orders')).datasetId;
    expect(await tableOf(b)).toEqual(['orders']);
  });

  it('applies the same rule to a table name asked for in the tag', async () => {
    const a = (await makeDataset(t, 'Asked')).datasetId;
    const schemaId = (await t.call('GET', `${CATALOG}/dataSets/${a}`)).json()[a].schemaRef.id;
    const created = await t.call('POST', `${CATALOG}/dataSets`, {
      name: 'Other',
      schemaRef: { id: schemaId },
      tags: { 'adobe/pqs/table': ['asked'] },
    });
    expect(created.statusCode).toBe(201);
    expect(await tableOf(created.json()[0].split('/').pop())).toEqual(['asked_1']);
  });

  it('keeps names apart per sandbox: another sandbox may reuse one', async () => {
    await t.platform.identity.createSandbox(t.credentials.imsOrg, { name: 'dev' });
    const dev = { 'x-sandbox-name': 'dev' };
    const { datasetId } = await makeDataset(t, 'Loyalty Members', dev);
    const shown = (await t.call('GET', `${CATALOG}/dataSets/${datasetId}`, undefined, dev)).json()[datasetId].tags['adobe/pqs/table'];
    expect(shown).toEqual(['loyalty_members']);
  });
});

describe('dataset table names on PostgreSQL, created at the same moment', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform({ database: 'postgres' });
  });
  afterAll(async () => t?.close());

  it('gives each of several same-named datasets created at once its own table', async () => {
    // Concurrent creations pick the same free name; the unique index lets one win and the others pick again.
    const { datasetId, schemaId } = await makeDataset(t, 'Race');
    const created = await Promise.all(
      Array.from({ length: 4 }, () => t.call('POST', `${CATALOG}/dataSets`, { name: 'Race', schemaRef: { id: schemaId } })),
    );
    const ids = [datasetId, ...created.map((response) => String(response.json()[0]).split('/').pop()!)];
    const tables = await Promise.all(ids.map(async (id) => (await t.call('GET', `${CATALOG}/dataSets/${id}`)).json()[id].tags['adobe/pqs/table'][0]));
    expect(tables.sort()).toEqual(['race', 'race_1', 'race_2', 'race_3', 'race_4']);
  });
});
