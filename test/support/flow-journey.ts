import { gzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { expect } from 'vitest';
import type { TestPlatform } from './platform.js';
import { waitFor } from './wait-for.js';

/**
 * The walk a user of a file source takes through the HTTP API, shared by the connector and flow
 * tests: connection → test → explore → preview → schema, dataset, target, mapping → flow → run →
 * batch. Each test brings the storage and its files; the journey's file contents are fixed here so
 * the assertions can be too.
 */

export const FS = '/data/foundation/flowservice';
export const FLOW_SPEC = '9753525b-82c7-4dce-8a9b-5ccfce2b9876';
export const DATA_LAKE = 'c604ff05-7f1a-43c0-8e18-33bf874cb11c';
const XED = 'application/vnd.adobe.xed-full+json;version=1';

/** A settled modification time: the run's settle window must not hold the files back. */
export const HOUR_AGO_MS = Date.now() - 3_600_000;

export const PEOPLE_CSV = 'id,first_name,email\np1,Ada,ada@example.com\np2,Bob,bob@example.com\np3,Cy,cy@example.com\n';

export const EVENTS_JSONL_GZ = gzipSync(
  Buffer.from(
    ['{"id":"e1","first_name":"Eve","email":"eve@example.com"}', '{"id":"e2","first_name":"Fay","email":"fay@example.com"}', ''].join('\n'),
  ),
);

/** id → _id, first_name → person.name.firstName, email → personalEmail.address: what the people files map to. */
export const PEOPLE_MAPPINGS: ReadonlyArray<readonly [string, string]> = [
  ['id', '_id'],
  ['first_name', 'person.name.firstName'],
  ['email', 'personalEmail.address'],
];

const PROFILE_FIELD_GROUPS = ['https://ns.adobe.com/xdm/context/profile-person-details', 'https://ns.adobe.com/xdm/context/profile-personal-details'];

/** A CSV of `rows` people, big enough to span many transfer chunks. */
export function bigCsv(rows: number): Buffer {
  const lines = ['id,first_name,email'];
  for (let i = 0; i < rows; i++) lines.push(`b${i},Name${i},n${i}@example.com`);
  return Buffer.from(lines.join('\n') + '\n');
}

/** Creates a connection through the API and returns its id. */
export async function createConnection(t: TestPlatform, specId: string, specName: string, params: Record<string, unknown>): Promise<string> {
  const response = await t.call('POST', `${FS}/connections`, {
    name: `${specName} connection`,
    auth: { specName, params },
    connectionSpec: { id: specId, version: '1.0' },
  });
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
  const code = /FLOW-\d+/.exec(String(body.type))?.[0];
  return { status: response.statusCode, ...(code !== undefined ? { code } : {}), detail: body.detail };
}

/** An explore call: its status, and its body as JSON (as text when it is not JSON). */
export async function explore(t: TestPlatform, connectionId: string, query: string): Promise<{ status: number; body: any }> {
  const response = await t.call('GET', `${FS}/connections/${connectionId}/explore?${query}`);
  let body: unknown;
  try {
    body = response.json();
  } catch {
    body = response.body;
  }
  return { status: response.statusCode, body };
}

/** Previews `PEOPLE_CSV` and `EVENTS_JSONL_GZ` where the test put them. */
export async function expectPreviews(t: TestPlatform, connectionId: string, csvPath: string, jsonPath: string): Promise<void> {
  const csv = await explore(t, connectionId, `objectType=file&object=${encodeURIComponent(csvPath)}&fileType=delimited&preview=true`);
  expect(csv.status, JSON.stringify(csv.body)).toBe(200);
  expect(csv.body.schema.columns.map((c: { name: string }) => c.name)).toEqual(['id', 'first_name', 'email']);
  expect(csv.body.data.map((row: Record<string, unknown>) => row.first_name)).toEqual(['Ada', 'Bob', 'Cy']);
  expect(csv.body.data[0]).toMatchObject({ id: 'p1', first_name: 'Ada' });

  const json = await explore(
    t,
    connectionId,
    `objectType=file&object=${encodeURIComponent(jsonPath)}&fileType=json&preview=true&compressionType=gzip`,
  );
  expect(json.status, JSON.stringify(json.body)).toBe(200);
  expect(json.body.schema.columns.map((c: { name: string }) => c.name).sort()).toEqual(['email', 'first_name', 'id']);
  expect(json.body.data.map((row: Record<string, unknown>) => row.id)).toEqual(['e1', 'e2']);
  expect(json.body.data[1]).toMatchObject({ id: 'e2', first_name: 'Fay' });
}

export interface TargetOptions {
  title: string;
  /** The schema's class; XDM Individual Profile by default. */
  classRef?: string;
  /** Field groups beside the class; the person and personal details by default (none for another class). */
  fieldGroups?: string[];
  /** [source attribute, XDM path] pairs; `PEOPLE_MAPPINGS` by default. */
  mappings?: ReadonlyArray<readonly [string, string]>;
  /** More of the dataset's body (tags…). */
  dataSet?: Record<string, unknown>;
}

export interface Target {
  schemaId: string;
  dataSetId: string;
  targetId: string;
  mappingId: string;
}

/** A profile schema, its dataset, the Data Lake target and a mapping set: what a flow writes into. */
export async function createTarget(t: TestPlatform, options: TargetOptions): Promise<Target> {
  const { title } = options;
  const schema = await t.call('POST', '/data/foundation/schemaregistry/tenant/schemas', {
    type: 'object',
    title,
    allOf: [
      { $ref: options.classRef ?? 'https://ns.adobe.com/xdm/context/profile' },
      ...(options.fieldGroups ?? (options.classRef ? [] : PROFILE_FIELD_GROUPS)).map(($ref) => ({ $ref })),
    ],
  });
  expect(schema.statusCode, schema.body).toBe(201);
  const schemaId = schema.json().$id;
  const dataset = await t.call('POST', '/data/foundation/catalog/dataSets', {
    name: title,
    schemaRef: { id: schemaId, contentType: XED },
    ...options.dataSet,
  });
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
    mappings: (options.mappings ?? PEOPLE_MAPPINGS).map(([source, destination]) => ({ sourceType: 'ATTRIBUTE', source, destination })),
  });
  expect([200, 201], mapping.body).toContain(mapping.statusCode);
  return { schemaId, dataSetId, targetId: target.json().id, mappingId: mapping.json().id };
}

export interface FlowOptions extends Partial<TargetOptions> {
  connectionId: string;
  specId: string;
  path: string;
  /** The source connection's `data`; delimited by default. */
  format?: Record<string, unknown>;
  recursive?: boolean;
}

export interface Flow extends Target {
  flowId: string;
}

/** A source connection on `path`, a fresh target (`createTarget`) and a flow every 15 minutes, started an hour ago. */
export async function createFlow(t: TestPlatform, options: FlowOptions): Promise<Flow> {
  const title = options.title ?? `people ${options.path}`;
  const source = await t.call('POST', `${FS}/sourceConnections`, {
    name: `${title} source`,
    baseConnectionId: options.connectionId,
    data: options.format ?? { format: 'delimited' },
    params: { path: options.path, ...(options.recursive ? { recursive: true } : {}) },
    connectionSpec: { id: options.specId, version: '1.0' },
  });
  expect(source.statusCode, source.body).toBe(201);
  const target = await createTarget(t, { ...options, title });
  const flow = await t.call('POST', `${FS}/flows`, {
    name: title,
    flowSpec: { id: FLOW_SPEC, version: '1.0' },
    sourceConnectionIds: [source.json().id],
    targetConnectionIds: [target.targetId],
    transformations: [{ name: 'Mapping', params: { mappingId: target.mappingId, mappingVersion: 0 } }],
    scheduleParams: { startTime: Math.floor(HOUR_AGO_MS / 1000), frequency: 'minute', interval: 15 },
  });
  expect(flow.statusCode, flow.body).toBe(201);
  return { ...target, flowId: flow.json().id };
}

/** Brings the flow's next slot forward to now; the scheduler starts a run, executed here in-process. Returns the finished run. */
export async function runNow(t: TestPlatform, flowId: string): Promise<Record<string, any>> {
  const before = new Set<string>(((await t.call('GET', `${FS}/runs?property=flowId==${flowId}`)).json().items as any[]).map((r) => r.id));
  await t.platform.db.query("update flows set next_run_at = now() - interval '1 second' where id = $1", [flowId]);
  expect(await t.platform.scheduler.tick(Date.now())).toBe(1);
  const runs = (await t.call('GET', `${FS}/runs?property=flowId==${flowId}`)).json().items as any[];
  const created = runs.find((r) => !before.has(r.id));
  expect(created, JSON.stringify(runs)).toBeTruthy();
  // A worker of the platform, woken as the run was queued, may have taken it already; otherwise run it here.
  if (created.metrics.statusSummary.status === 'pending') await t.platform.flowService.executor.execute(created.id);
  return waitFor(
    async () => {
      const run = (await t.call('GET', `${FS}/runs/${created.id}`)).json().items[0];
      return ['success', 'partialSuccess', 'failed', 'cancelled'].includes(run.metrics.statusSummary.status) && run;
    },
    { timeoutMs: 120_000, what: `run ${created.id} to end` },
  );
}

/**
 * Lets the retry delay of the flow's files that failed for a transient reason pass, as the clock would:
 * the next run takes them again.
 */
export async function letRetryDelaysPass(t: TestPlatform, flowId: string): Promise<void> {
  await t.platform.db.query(
    `update flow_files set next_attempt_at = now() - interval '1 second' where flow_id = $1 and next_attempt_at is not null`,
    [flowId],
  );
}

/** The Catalog batches of a dataset. */
export async function batchesOf(t: TestPlatform, dataSetId: string): Promise<Array<{ id: string; status: string; recordCount?: number }>> {
  const response = await t.call('GET', `/data/foundation/catalog/batches?dataSet=${dataSetId}`);
  expect(response.statusCode, response.body).toBe(200);
  return Object.entries(response.json() as Record<string, any>).map(([id, batch]) => ({ id, status: batch.status, recordCount: batch.recordCount }));
}

/** The rows that landed in a dataset (committed batches only), `_id` and first name, ordered by id then name. */
export async function landedPeople(t: TestPlatform, dataSetId: string): Promise<Array<{ id: string; name: string }>> {
  const scope = await t.platform.identity.authorize({
    bearer: t.token,
    apiKey: t.credentials.clientId,
    orgHeader: t.credentials.imsOrg,
    sandboxHeader: 'prod',
  });
  const files = (await t.platform.catalog.datasetFiles(scope, dataSetId)).paths;
  if (files.length === 0) return [];
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  try {
    const list = files.map((f) => `'${f.replace(/'/g, "''")}'`).join(', ');
    const reader = await connection.runAndReadAll(
      `select _id as id, person.name.firstName as name from read_parquet([${list}], union_by_name=true) order by _id, name`,
    );
    return reader.getRowObjectsJson() as Array<{ id: string; name: string }>;
  } finally {
    connection.closeSync();
  }
}

/** The landed rows as `id:firstName`, sorted. */
export async function landedRows(t: TestPlatform, dataSetId: string): Promise<string[]> {
  return (await landedPeople(t, dataSetId)).map((r) => `${r.id}:${r.name}`);
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
  expect(root.status, JSON.stringify(root.body)).toBe(200);
  expect(root.body.map((item: { name: string }) => item.name)).toEqual(options.root);

  const folder = await explore(t, connectionId, `objectType=folder&object=${encodeURIComponent(options.folder)}`);
  expect(folder.status, JSON.stringify(folder.body)).toBe(200);
  const csvName = options.csv.split('/').pop();
  expect(folder.body).toEqual(
    expect.arrayContaining([expect.objectContaining({ type: 'file', name: csvName, path: options.csv, canPreview: true })]),
  );

  await expectPreviews(t, connectionId, options.csv, options.jsonGz);

  const run = await expectPeopleLand(t, { connectionId, specId: options.specId, path: options.csv, title: options.title });
  expect(run.metrics.fileSummary).toMatchObject({ inputFileCount: 1 });
}

/** Runs a new flow over the people CSV (PEOPLE_CSV) at `path` and expects one successful batch of its three rows. */
export async function expectPeopleLand(
  t: TestPlatform,
  options: { connectionId: string; specId: string; path: string; title?: string },
): Promise<Record<string, any>> {
  const { flowId, dataSetId } = await createFlow(t, options);
  const run = await runNow(t, flowId);
  expect(run.metrics.statusSummary.status, JSON.stringify(run)).toBe('success');
  expect(run.metrics.recordSummary).toMatchObject({ inputRecordCount: 3, outputRecordCount: 3, failedRecordCount: 0 });
  const batches = await batchesOf(t, dataSetId);
  expect(batches.map((b) => b.status)).toEqual(['success']);
  expect(batches[0]!.id).toBe(run.batchId);
  expect(await landedRows(t, dataSetId)).toEqual(['p1:Ada', 'p2:Bob', 'p3:Cy']);
  return run;
}
