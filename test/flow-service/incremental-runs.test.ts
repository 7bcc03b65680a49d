import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { startTestPlatform, type TestDatabase, type TestPlatform } from '../support/platform.js';

const FS = '/data/foundation/flowservice';
const HOUR_AGO = (Date.now() - 3600_000) / 1000;

function writeCsv(dir: string, name: string, rows: Array<[string, string, string]>, mtimeSeconds: number = HOUR_AGO): void {
  const file = join(dir, name);
  writeFileSync(file, ['id,first_name,email', ...rows.map((r) => r.join(','))].join('\n'));
  utimesSync(file, mtimeSeconds, mtimeSeconds);
}

async function countRows(files: string[]): Promise<Array<{ id: string; name: string }>> {
  if (files.length === 0) return [];
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  const list = files.map((f) => `'${f}'`).join(', ');
  const reader = await c.runAndReadAll(`select _id as id, person.name.firstName as name from read_parquet([${list}], union_by_name=true) order by _id, name`);
  const rows = reader.getRowObjectsJson() as Array<{ id: string; name: string }>;
  c.closeSync();
  return rows;
}

describe.each(['pglite', 'postgres'] as TestDatabase[])('incremental flow runs on %s', (database) => {
  let t: TestPlatform;
  let folder: string;
  let flowId: string;
  let dataSetId: string;

  beforeAll(async () => {
    // Files modified within the last 10 minutes are still being written.
    t = await startTestPlatform({ database, env: { TRIBUTARY_SETTLE_SECONDS: '600' } });
    folder = mkdtempSync(join(tmpdir(), 'tributary-incremental-'));
    const conn = (
      await t.call('POST', `${FS}/connections`, { name: 'local', auth: { specName: 'Local Folder', params: { path: folder } }, connectionSpec: { id: '9c1d2e3f-4a5b-4c6d-8e7f-a0b1c2d3e4f5' } })
    ).json();
    const source = await t.call('POST', `${FS}/sourceConnections`, {
      name: 'all csv',
      baseConnectionId: conn.id,
      data: { format: 'delimited' },
      params: { path: '/*.csv' },
      connectionSpec: { id: '9c1d2e3f-4a5b-4c6d-8e7f-a0b1c2d3e4f5', version: '1.0' },
    });
    expect(source.statusCode, source.body).toBe(201);
    const schema = await t.call('POST', '/data/foundation/schemaregistry/tenant/schemas', {
      type: 'object',
      title: 'people',
      allOf: [
        { $ref: 'https://ns.adobe.com/xdm/context/profile' },
        { $ref: 'https://ns.adobe.com/xdm/context/profile-person-details' },
        { $ref: 'https://ns.adobe.com/xdm/context/profile-personal-details' },
      ],
    });
    expect(schema.statusCode, schema.body).toBe(201);
    const dataset = await t.call('POST', '/data/foundation/catalog/dataSets', { name: 'people', schemaRef: { id: schema.json().$id, contentType: 'application/vnd.adobe.xed-full+json;version=1' } });
    dataSetId = dataset.json()[0].split('/').pop();
    const target = await t.call('POST', `${FS}/targetConnections`, {
      name: 'lake',
      data: { schema: { id: schema.json().$id, version: 'application/vnd.adobe.xed-full+json;version=1' } },
      params: { dataSetId },
      connectionSpec: { id: 'c604ff05-7f1a-43c0-8e18-33bf874cb11c', version: '1.0' },
    });
    const mapping = await t.call('POST', '/data/foundation/conversion/mappingSets', {
      version: 0,
      xdmSchema: schema.json().$id,
      xdmVersion: '1.0',
      mappings: [
        { sourceType: 'ATTRIBUTE', source: 'id', destination: '_id' },
        { sourceType: 'ATTRIBUTE', source: 'first_name', destination: 'person.name.firstName' },
        { sourceType: 'ATTRIBUTE', source: 'email', destination: 'personalEmail.address' },
      ],
    });
    const flow = await t.call('POST', `${FS}/flows`, {
      name: 'incremental',
      flowSpec: { id: '9753525b-82c7-4dce-8a9b-5ccfce2b9876', version: '1.0' },
      sourceConnectionIds: [source.json().id],
      targetConnectionIds: [target.json().id],
      transformations: [{ name: 'Mapping', params: { mappingId: mapping.json().id, mappingVersion: 0 } }],
      scheduleParams: { startTime: Math.floor(HOUR_AGO), frequency: 'minute', interval: 15 },
    });
    expect(flow.statusCode, flow.body).toBe(201);
    flowId = flow.json().id;
  });

  afterAll(async () => {
    await t?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  /** The flow's next slot, brought forward to now: the scheduler starts a run, which this test executes in-process. */
  async function nextRun(): Promise<Record<string, any>> {
    await t.platform.db.query("update flows set next_run_at = now() - interval '1 second' where id = $1", [flowId]);
    expect(await t.platform.scheduler.tick(Date.now())).toBe(1);
    const runs = (await t.call('GET', `${FS}/runs?property=flowId==${flowId}`)).json().items;
    const pending = runs.find((r: any) => r.metrics.statusSummary.status === 'pending');
    await t.platform.flowService.executor.execute(pending.id);
    return (await t.call('GET', `${FS}/runs/${pending.id}`)).json().items[0];
  }

  async function landed() {
    const scope = await t.platform.identity.authorize({ bearer: t.token, apiKey: t.credentials.clientId, orgHeader: t.credentials.imsOrg, sandboxHeader: 'prod' });
    return countRows(await t.platform.catalog.datasetFiles(scope, dataSetId));
  }

  it('takes each file once, takes a changed file again, and waits for a file still being written', async () => {
    // Run 1: a.csv is settled, b.csv was just written.
    writeCsv(folder, 'a.csv', [['a1', 'Ada', 'ada@example.com']]);
    writeCsv(folder, 'b.csv', [['b1', 'Bob', 'bob@example.com']], Date.now() / 1000);
    const run1 = await nextRun();
    expect(run1.metrics.statusSummary.status, JSON.stringify(run1)).toBe('success');
    expect(run1.metrics.fileSummary).toMatchObject({ inputFileCount: 1, skippedFileCount: 1 });
    expect(await landed()).toEqual([{ id: 'a1', name: 'Ada' }]);
    const decisions = (await t.call('GET', `${FS}/flows/${flowId}/files`)).json().items;
    expect(decisions.map((d: any) => [d.path, d.decision])).toEqual([
      ['/a.csv', 'already_ingested'],
      ['/b.csv', 'settling'],
    ]);
    expect(decisions[0].ingestedVersions).toEqual([expect.objectContaining({ status: 'ingested', runId: run1.id })]);

    // Run 2: b.csv has settled, c.csv is new, a.csv changed.
    writeCsv(folder, 'b.csv', [['b1', 'Bob', 'bob@example.com']]);
    writeCsv(folder, 'c.csv', [['c1', 'Cy', 'cy@example.com']]);
    writeCsv(folder, 'a.csv', [['a1', 'Ada', 'ada@example.com'], ['a2', 'Alan', 'alan@example.com']], HOUR_AGO + 60);
    const run2 = await nextRun();
    expect(run2.metrics.statusSummary.status).toBe('success');
    expect(run2.metrics.fileSummary).toMatchObject({ inputFileCount: 3, skippedFileCount: 0 });
    expect(run2.metrics.recordSummary).toMatchObject({ inputRecordCount: 4, outputRecordCount: 4, failedRecordCount: 0 });

    // Run 3: nothing new, nothing taken, no new batch.
    const run3 = await nextRun();
    expect(run3.metrics.statusSummary.status).toBe('success');
    expect(run3.metrics.fileSummary).toMatchObject({ inputFileCount: 0, skippedFileCount: 3 });
    expect(run3.batchId).toBeUndefined();

    // The changed a.csv landed as a new version; nothing else twice, nothing missed.
    expect(await landed()).toEqual([
      { id: 'a1', name: 'Ada' },
      { id: 'a1', name: 'Ada' },
      { id: 'a2', name: 'Alan' },
      { id: 'b1', name: 'Bob' },
      { id: 'c1', name: 'Cy' },
    ]);
    const batches = (await t.call('GET', `/data/foundation/catalog/batches?dataSet=${dataSetId}`)).json();
    expect(Object.values(batches).map((b: any) => b.status).sort()).toEqual(['success', 'success']);
  });
});
