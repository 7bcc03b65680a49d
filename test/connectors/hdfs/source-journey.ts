import { gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { expect } from 'vitest';
import type { TestPlatform } from '../../support/platform.js';

/**
 * The walk a user of a file source takes through the HTTP API, shared by the HDFS, SFTP and GCS
 * tests: connection → test → explore → preview → flow → run → batch. Each test brings the
 * storage and its files; the file contents are fixed here so the assertions can be too.
 */

export const FS = '/data/foundation/flowservice';

/** A settled modification time: the run's settle window must not hold the files back. */
export const HOUR_AGO_MS = Date.now() - 3_600_000;

export const PEOPLE_CSV = 'id,first_name,email\np1,Ada,ada@example.com\np2,Bob,bob@example.com\np3,Cy,cy@example.com\n';

export const EVENTS_JSONL_GZ = gzipSync(
  Buffer.from(['{"id":"e1","first_name":"Eve","email":"eve@example.com"}', '{"id":"e2","first_name":"Fay","email":"fay@example.com"}', ''].join('\n')),
);

/** A CSV of `rows` people, big enough to span many transfer chunks. */
export function bigCsv(rows: number): Buffer {
  const lines = ['id,first_name,email'];
  for (let i = 0; i < rows; i++) lines.push(`b${i},Name${i},n${i}@example.com`);
  return Buffer.from(lines.join('\n') + '\n');
}

export async function createConnection(t: TestPlatform, specId: string, specName: string, params: Record<string, unknown>): Promise<string> {
  const response = await t.call('POST', `${FS}/connections`, { name: `${specName} source`, auth: { specName, params }, connectionSpec: { id: specId, version: '1.0' } });
  expect(response.statusCode, response.body).toBe(201);
  return response.json().id;
}

export async function testConnection(t: TestPlatform, connectionId: string): Promise<{ status: number; code?: string; detail?: string }> {
  const response = await t.call('GET', `${FS}/connections/${connectionId}/test`);
  if (response.statusCode === 200) {
    expect(response.json()).toEqual({ result: true });
    return { status: 200 };
  }
  const body = response.json();
  return { status: response.statusCode, code: /FLOW-\d+/.exec(String(body.type))?.[0], detail: body.detail };
}

export async function explore(t: TestPlatform, connectionId: string, query: string): Promise<{ status: number; body: any }> {
  const response = await t.call('GET', `${FS}/connections/${connectionId}/explore?${query}`);
  return { status: response.statusCode, body: response.json() };
}

/** Previews the CSV and the gzip JSON-lines file the journey's storages hold. */
export async function expectPreviews(t: TestPlatform, connectionId: string, csvPath: string, jsonPath: string): Promise<void> {
  const csv = await explore(t, connectionId, `objectType=file&object=${encodeURIComponent(csvPath)}&fileType=delimited&preview=true`);
  expect(csv.status, JSON.stringify(csv.body)).toBe(200);
  expect(csv.body.schema.columns.map((c: { name: string }) => c.name)).toEqual(['id', 'first_name', 'email']);
  expect(csv.body.data.map((row: Record<string, unknown>) => row.first_name)).toEqual(['Ada', 'Bob', 'Cy']);

  const json = await explore(t, connectionId, `objectType=file&object=${encodeURIComponent(jsonPath)}&fileType=json&preview=true&compressionType=gzip`);
  expect(json.status, JSON.stringify(json.body)).toBe(200);
  expect(json.body.schema.columns.map((c: { name: string }) => c.name).sort()).toEqual(['email', 'first_name', 'id']);
  expect(json.body.data.map((row: Record<string, unknown>) => row.id)).toEqual(['e1', 'e2']);
}

export interface Flow {
  flowId: string;
  dataSetId: string;
}

/** Source connection on `path`, a profile schema and dataset, the Data Lake target, a mapping set and a flow every 15 minutes. */
export async function createFlow(
  t: TestPlatform,
  options: { connectionId: string; specId: string; path: string; format?: Record<string, unknown>; recursive?: boolean },
): Promise<Flow> {
  const source = await t.call('POST', `${FS}/sourceConnections`, {
    name: 'people files',
    baseConnectionId: options.connectionId,
    data: options.format ?? { format: 'delimited' },
    params: { path: options.path, ...(options.recursive ? { recursive: true } : {}) },
    connectionSpec: { id: options.specId, version: '1.0' },
  });
  expect(source.statusCode, source.body).toBe(201);
  const schema = await t.call('POST', '/data/foundation/schemaregistry/tenant/schemas', {
    type: 'object',
    title: `people ${options.path}`,
    allOf: [
      { $ref: 'https://ns.adobe.com/xdm/context/profile' },
      { $ref: 'https://ns.adobe.com/xdm/context/profile-person-details' },
      { $ref: 'https://ns.adobe.com/xdm/context/profile-personal-details' },
    ],
  });
  expect(schema.statusCode, schema.body).toBe(201);
  const schemaId = schema.json().$id;
  const dataset = await t.call('POST', '/data/foundation/catalog/dataSets', { name: `people ${options.path}`, schemaRef: { id: schemaId, contentType: 'application/vnd.adobe.xed-full+json;version=1' } });
  expect(dataset.statusCode, dataset.body).toBe(201);
  const dataSetId = dataset.json()[0].split('/').pop();
  const target = await t.call('POST', `${FS}/targetConnections`, {
    name: 'lake',
    data: { schema: { id: schemaId, version: 'application/vnd.adobe.xed-full+json;version=1' } },
    params: { dataSetId },
    connectionSpec: { id: 'c604ff05-7f1a-43c0-8e18-33bf874cb11c', version: '1.0' },
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
  const flow = await t.call('POST', `${FS}/flows`, {
    name: `flow ${options.path}`,
    flowSpec: { id: '9753525b-82c7-4dce-8a9b-5ccfce2b9876', version: '1.0' },
    sourceConnectionIds: [source.json().id],
    targetConnectionIds: [target.json().id],
    transformations: [{ name: 'Mapping', params: { mappingId: mapping.json().id, mappingVersion: 0 } }],
    scheduleParams: { startTime: Math.floor(HOUR_AGO_MS / 1000), frequency: 'minute', interval: 15 },
  });
  expect(flow.statusCode, flow.body).toBe(201);
  return { flowId: flow.json().id, dataSetId };
}

/** Brings the flow's next slot forward to now; the scheduler starts a run, executed here in-process. Returns the finished run. */
export async function runNow(t: TestPlatform, flowId: string): Promise<Record<string, any>> {
  await t.platform.db.query("update flows set next_run_at = now() - interval '1 second' where id = $1", [flowId]);
  expect(await t.platform.scheduler.tick(Date.now())).toBe(1);
  const runs = (await t.call('GET', `${FS}/runs?property=flowId==${flowId}`)).json().items;
  const pending = runs.find((r: any) => r.metrics.statusSummary.status === 'pending');
  expect(pending, JSON.stringify(runs)).toBeDefined();
  await t.platform.flowService.executor.execute(pending.id);
  return (await t.call('GET', `${FS}/runs/${pending.id}`)).json().items[0];
}

/** The batches of a dataset, by id, as Catalog shows them. */
export async function batchesOf(t: TestPlatform, dataSetId: string): Promise<Record<string, { status: string; recordCount?: number }>> {
  return (await t.call('GET', `/data/foundation/catalog/batches?dataSet=${dataSetId}`)).json();
}

/** The rows that landed in a dataset (committed batches only), as `id:firstName`, sorted. */
export async function landedRows(t: TestPlatform, dataSetId: string): Promise<string[]> {
  const scope = await t.platform.identity.authorize({ bearer: t.token, apiKey: t.credentials.clientId, orgHeader: t.credentials.imsOrg, sandboxHeader: 'prod' });
  const files = await t.platform.catalog.datasetFiles(scope, dataSetId);
  if (files.length === 0) return [];
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  try {
    const list = files.map((f) => `'${f.replace(/'/g, "''")}'`).join(', ');
    const reader = await connection.runAndReadAll(`select _id as id, person.name.firstName as name from read_parquet([${list}], union_by_name=true) order by _id`);
    return (reader.getRowObjectsJson() as Array<{ id: string; name: string }>).map((r) => `${r.id}:${r.name}`);
  } finally {
    connection.closeSync();
  }
}
