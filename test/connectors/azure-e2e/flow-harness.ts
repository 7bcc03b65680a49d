import { expect } from 'vitest';
import type { TestPlatform } from '../../support/platform.js';

export const FS = '/data/foundation/flowservice';
const FLOW_SPEC = '9753525b-82c7-4dce-8a9b-5ccfce2b9876';
const DATA_LAKE = 'c604ff05-7f1a-43c0-8e18-33bf874cb11c';
const XED = 'application/vnd.adobe.xed-full+json;version=1';

/** The people.csv every storage holds, and its gzip JSON-lines twin. */
export const PEOPLE_CSV = 'id,first_name,email\np1,Ada,ada@example.com\np2,Grace,grace@example.com\np3,Alan,alan@example.com\n';
export const PEOPLE_JSONL = '{"id":"j1","first_name":"Edsger","email":"ed@example.com"}\n{"id":"j2","first_name":"Barbara","email":"barbara@example.com"}\n';

/** Creates a connection through the API and returns its id. */
export async function createConnection(t: TestPlatform, specId: string, specName: string, params: Record<string, unknown>): Promise<string> {
  const created = await t.call('POST', `${FS}/connections`, { name: `${specName} connection`, auth: { specName, params }, connectionSpec: { id: specId, version: '1.0' } });
  expect(created.statusCode, created.body).toBe(201);
  return created.json().id;
}

export async function explore(t: TestPlatform, connectionId: string, query: string): Promise<{ statusCode: number; body: any }> {
  const response = await t.call('GET', `${FS}/connections/${connectionId}/explore?${query}`);
  return { statusCode: response.statusCode, body: response.statusCode === 200 ? response.json() : response.body };
}

/** A profile schema, its dataset, the Data Lake target and a mapping set: what a flow writes into. */
export async function createTarget(t: TestPlatform, title: string): Promise<{ targetId: string; mappingId: string; dataSetId: string }> {
  const schema = await t.call('POST', '/data/foundation/schemaregistry/tenant/schemas', {
    type: 'object',
    title,
    allOf: [
      { $ref: 'https://ns.adobe.com/xdm/context/profile' },
      { $ref: 'https://ns.adobe.com/xdm/context/profile-person-details' },
      { $ref: 'https://ns.adobe.com/xdm/context/profile-personal-details' },
    ],
  });
  expect(schema.statusCode, schema.body).toBe(201);
  const schemaId = schema.json().$id;
  const dataset = await t.call('POST', '/data/foundation/catalog/dataSets', { name: title, schemaRef: { id: schemaId, contentType: XED } });
  expect(dataset.statusCode, dataset.body).toBe(201);
  const dataSetId = dataset.json()[0].split('/').pop();
  const target = await t.call('POST', `${FS}/targetConnections`, {
    name: `${title} lake`,
    data: { schema: { id: schemaId, version: XED } },
    params: { dataSetId },
    connectionSpec: { id: DATA_LAKE, version: '1.0' },
  });
  expect(target.statusCode, target.body).toBe(201);
  const mapping = await t.call('POST', '/data/foundation/conversion/mappingSets', {
    version: 0,
    xdmSchema: schemaId,
    xdmVersion: '1.0',
    mappings: [
      { sourceType: 'ATTRIBUTE', source: 'id', destination: '_id' },
      { sourceType: 'ATTRIBUTE', source: 'first_name', destination: 'person.name.firstName' },
      { sourceType: 'ATTRIBUTE', source: 'email', destination: 'personalEmail.address' },
    ],
  });
  expect([200, 201], mapping.body).toContain(mapping.statusCode);
  return { targetId: target.json().id, mappingId: mapping.json().id, dataSetId };
}

/** A flow from `path` of a connection into a fresh dataset. */
export async function createFlow(
  t: TestPlatform,
  connectionId: string,
  specId: string,
  path: string,
  title: string,
  data: Record<string, unknown> = { format: 'delimited' },
): Promise<{ flowId: string; dataSetId: string }> {
  const source = await t.call('POST', `${FS}/sourceConnections`, {
    name: `${title} source`,
    baseConnectionId: connectionId,
    data,
    params: { path },
    connectionSpec: { id: specId, version: '1.0' },
  });
  expect(source.statusCode, source.body).toBe(201);
  const { targetId, mappingId, dataSetId } = await createTarget(t, title);
  const flow = await t.call('POST', `${FS}/flows`, {
    name: title,
    flowSpec: { id: FLOW_SPEC, version: '1.0' },
    sourceConnectionIds: [source.json().id],
    targetConnectionIds: [targetId],
    transformations: [{ name: 'Mapping', params: { mappingId, mappingVersion: 0 } }],
    scheduleParams: { startTime: Math.floor(Date.now() / 1000) - 3600, frequency: 'minute', interval: 15 },
  });
  expect(flow.statusCode, flow.body).toBe(201);
  return { flowId: flow.json().id, dataSetId };
}

/** Brings the flow's next slot forward to now, lets the scheduler start the run, and executes it in-process. */
export async function runOnce(t: TestPlatform, flowId: string): Promise<Record<string, any>> {
  await t.platform.db.query("update flows set next_run_at = now() - interval '1 second' where id = $1", [flowId]);
  expect(await t.platform.scheduler.tick(Date.now())).toBe(1);
  const runs = (await t.call('GET', `${FS}/runs?property=flowId==${flowId}`)).json().items;
  const pending = runs.find((r: any) => r.metrics.statusSummary.status === 'pending');
  expect(pending, JSON.stringify(runs)).toBeTruthy();
  await t.platform.flowService.executor.execute(pending.id);
  return (await t.call('GET', `${FS}/runs/${pending.id}`)).json().items[0];
}

/** The Catalog batches of a dataset, by status. */
export async function batchesOf(t: TestPlatform, dataSetId: string): Promise<Array<{ id: string; status: string; recordCount?: number }>> {
  const response = await t.call('GET', `/data/foundation/catalog/batches?dataSet=${dataSetId}`);
  expect(response.statusCode, response.body).toBe(200);
  return Object.entries(response.json() as Record<string, any>).map(([id, batch]) => ({ id, status: batch.status, recordCount: batch.recordCount }));
}

/**
 * The walk every connector must pass: test the connection, explore the root and a folder, preview
 * a CSV and a gzip JSON-lines file, and run a flow to a successful batch of the CSV's rows.
 */
export async function exerciseConnection(
  t: TestPlatform,
  options: { connectionId: string; specId: string; root: string[]; folder: string; csv: string; jsonGz: string; title: string },
): Promise<void> {
  const { connectionId } = options;
  const tested = await t.call('GET', `${FS}/connections/${connectionId}/test`);
  expect(tested.statusCode, tested.body).toBe(200);

  const root = await explore(t, connectionId, 'objectType=root');
  expect(root.statusCode, root.body).toBe(200);
  expect(root.body.map((item: { name: string }) => item.name)).toEqual(options.root);

  const folder = await explore(t, connectionId, `objectType=folder&object=${encodeURIComponent(options.folder)}`);
  expect(folder.statusCode, folder.body).toBe(200);
  const csvName = options.csv.split('/').pop();
  expect(folder.body).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'file', name: csvName, path: options.csv, canPreview: true })]));

  const csv = await explore(t, connectionId, `objectType=file&object=${encodeURIComponent(options.csv)}&fileType=delimited&preview=true`);
  expect(csv.statusCode, csv.body).toBe(200);
  expect(csv.body.schema.columns.map((c: { name: string }) => c.name)).toEqual(['id', 'first_name', 'email']);
  expect(csv.body.data).toHaveLength(3);
  expect(csv.body.data[0]).toMatchObject({ id: 'p1', first_name: 'Ada' });

  const json = await explore(t, connectionId, `objectType=file&object=${encodeURIComponent(options.jsonGz)}&fileType=json&compressionType=gzip&preview=true`);
  expect(json.statusCode, json.body).toBe(200);
  expect(json.body.schema.columns.map((c: { name: string }) => c.name).sort()).toEqual(['email', 'first_name', 'id']);
  expect(json.body.data).toHaveLength(2);
  expect(json.body.data[1]).toMatchObject({ id: 'j2', first_name: 'Barbara' });

  const { flowId, dataSetId } = await createFlow(t, connectionId, options.specId, options.csv, options.title);
  const run = await runOnce(t, flowId);
  expect(run.metrics.statusSummary.status, JSON.stringify(run)).toBe('success');
  expect(run.metrics.fileSummary).toMatchObject({ inputFileCount: 1 });
  expect(run.metrics.recordSummary).toMatchObject({ inputRecordCount: 3, outputRecordCount: 3, failedRecordCount: 0 });
  const batches = await batchesOf(t, dataSetId);
  expect(batches.map((b) => b.status)).toEqual(['success']);
  expect(batches[0].id).toBe(run.batchId);
}
