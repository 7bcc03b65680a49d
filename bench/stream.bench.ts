/**
 * `npx tsx bench/stream.bench.ts`: the streaming benchmark (also the last part of `npm run bench`).
 *
 * Starts kinesalite and Tributary (`serve`, embedded database) as child processes, and for each source — a Kinesis
 * stream, and AEP's HTTP API inlet — creates a connection, a people dataset with its mapping and a streaming flow
 * through the API, then measures:
 * - throughput: STREAM_RECORDS records (20,000 by default) put at once (Kinesis: over STREAM_SHARDS shards, 2;
 *   the inlet: batch posts of 500), and the records per second from the first put until all of them are counted
 *   by SQL (Query Service);
 * - latency: STREAM_PROBES single records (20), one at a time, each from its put until a SQL count sees it;
 *   p50 and p99 (with micro-batches cut every TRIBUTARY_STREAM_BATCH_MS, 500 ms here unless set).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateStreamCommand, DescribeStreamSummaryCommand, KinesisClient, PutRecordCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { startKinesalite } from '../test/support/kinesalite.js';
import { startBenchServer, type Call } from './tributary-api.js';

const RECORDS = Number(process.env.STREAM_RECORDS ?? 20_000);
const SHARDS = Number(process.env.STREAM_SHARDS ?? 2);
const PROBES = Number(process.env.STREAM_PROBES ?? 20);
const BATCH_MS = process.env.TRIBUTARY_STREAM_BATCH_MS ?? '500';
const FS = '/data/foundation/flowservice';
const XED = 'application/vnd.adobe.xed-full+json;version=1';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))]!;

const home = mkdtempSync(join(tmpdir(), 'tributary-stream-bench-'));
const kinesalite = await startKinesalite();
const server = await startBenchServer(home, { TRIBUTARY_STREAM_BATCH_MS: BATCH_MS, TRIBUTARY_STREAM_SCAN_MS: '200' });
const kinesis = new KinesisClient({
  endpoint: kinesalite.endpoint,
  region: kinesalite.region,
  credentials: { accessKeyId: kinesalite.accessKeyId, secretAccessKey: kinesalite.secretKey },
  requestHandler: new NodeHttpHandler(),
});

/** One SQL statement through Query Service's API: the first column of the first row. */
async function sqlValue(call: Call, sql: string): Promise<number> {
  const query = await call('POST', '/data/foundation/query/queries', { dbName: 'prod:all', sql });
  for (;;) {
    const view = await call('GET', `/data/foundation/query/queries/${query.id}`);
    if (view.state === 'SUCCESS') break;
    if (!['SUBMITTED', 'IN_PROGRESS'].includes(view.state)) return 0; // the table has no batch yet
    await sleep(20);
  }
  const results = await call('GET', `/data/foundation/query/queries/${query.id}/results`);
  const row = results.rows?.[0];
  return Number(Array.isArray(row) ? row[0] : (Object.values(row ?? {})[0] ?? 0));
}

async function waitForCount(call: Call, table: string, count: number): Promise<void> {
  for (;;) {
    if ((await sqlValue(call, `select count(*) from ${table}`)) >= count) return;
    await sleep(50);
  }
}

/** A people dataset with its mapping, and the streaming flow from `sourceId` into it; answers the SQL table name. */
async function peopleFlow(call: Call, title: string, sourceId: string): Promise<string> {
  const schema = await call('POST', '/data/foundation/schemaregistry/tenant/schemas', {
    type: 'object',
    title: `${title} people`,
    allOf: [
      { $ref: 'https://ns.adobe.com/xdm/context/profile' },
      { $ref: 'https://ns.adobe.com/xdm/context/profile-person-details' },
      { $ref: 'https://ns.adobe.com/xdm/context/profile-personal-details' },
    ],
  });
  const dataSet = (await call('POST', '/data/foundation/catalog/dataSets', { name: title, schemaRef: { id: schema.$id, contentType: XED } }))[0]
    .split('/')
    .pop();
  const target = await call('POST', `${FS}/targetConnections`, {
    name: `${title} lake`,
    data: { schema: { id: schema.$id, version: XED } },
    params: { dataSetId: dataSet },
    connectionSpec: { id: 'c604ff05-7f1a-43c0-8e18-33bf874cb11c', version: '1.0' },
  });
  const mapping = await call('POST', '/data/foundation/conversion/mappingSets', {
    version: 0,
    xdmSchema: schema.$id,
    xdmVersion: '1.0',
    mappings: [
      ['id', '_id'],
      ['first_name', 'person.name.firstName'],
      ['email', 'personalEmail.address'],
    ].map(([s, d]) => ({ sourceType: 'ATTRIBUTE', source: s, destination: d })),
  });
  await call('POST', `${FS}/flows`, {
    name: title,
    flowSpec: { id: 'd69717ba-71b4-4313-b654-49f9cf126d7a', version: '1.0' },
    sourceConnectionIds: [sourceId],
    targetConnectionIds: [target.id],
    transformations: [{ name: 'Mapping', params: { mappingId: mapping.id, mappingVersion: 0 } }],
  });
  return title.replace(/ /g, '_');
}

const record = (n: number) => ({ id: `b${n}`, first_name: `Name${n}`, email: `b${n}@example.com` });

/** How a source takes records in: many at once (in chunks), and one. */
interface Sender {
  many(records: Array<Record<string, string>>): Promise<void>;
  one(record: Record<string, string>): Promise<void>;
}

/** Throughput of RECORDS put at once, then PROBES single puts each timed until SQL counts it: one table row. */
async function measure(call: Call, label: string, table: string, send: Sender): Promise<string> {
  const started = performance.now();
  for (let i = 0; i < RECORDS; i += 500) await send.many(Array.from({ length: Math.min(500, RECORDS - i) }, (_, j) => record(i + j)));
  await waitForCount(call, table, RECORDS);
  const seconds = (performance.now() - started) / 1000;
  const latencies: number[] = [];
  for (let p = 0; p < PROBES; p++) {
    const put = performance.now();
    await send.one(record(RECORDS + p));
    await waitForCount(call, table, RECORDS + p + 1);
    latencies.push(performance.now() - put);
  }
  return `| ${label} | ${RECORDS} | ${Math.round(RECORDS / seconds)} | ${Math.round(percentile(latencies, 50))} | ${Math.round(percentile(latencies, 99))} | ${BATCH_MS} |`;
}

async function kinesisCase(call: Call): Promise<string> {
  await kinesis.send(new CreateStreamCommand({ StreamName: 'bench', ShardCount: SHARDS }));
  while ((await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'bench' }))).StreamDescriptionSummary?.StreamStatus !== 'ACTIVE')
    await sleep(50);
  const connection = await call('POST', `${FS}/connections`, {
    name: 'bench kinesis',
    connectionSpec: { id: '86043421-563b-46ec-8e6c-e23184711bf6', version: '1.0' },
    auth: {
      specName: 'Aws Kinesis authentication credentials',
      params: { accessKeyId: kinesalite.accessKeyId, secretKey: kinesalite.secretKey, region: kinesalite.region, endpoint: kinesalite.endpoint },
    },
  });
  const source = await call('POST', `${FS}/sourceConnections`, {
    name: 'bench stream',
    baseConnectionId: connection.id,
    connectionSpec: { id: '86043421-563b-46ec-8e6c-e23184711bf6', version: '1.0' },
    data: { format: 'json' },
    params: { stream: 'bench', dataType: 'raw', reset: 'earliest' },
  });
  const table = await peopleFlow(call, 'bench stream', source.id);
  const data = (r: Record<string, string>) => Buffer.from(JSON.stringify(r));
  return measure(call, `Kinesis (kinesalite, ${SHARDS} shards) → lake`, table, {
    many: async (records) => {
      await kinesis.send(new PutRecordsCommand({ StreamName: 'bench', Records: records.map((r) => ({ Data: data(r), PartitionKey: r.id! })) }));
    },
    one: async (r) => {
      await kinesis.send(new PutRecordCommand({ StreamName: 'bench', Data: data(r), PartitionKey: r.id! }));
    },
  });
}

async function inletCase(call: Call): Promise<string> {
  const connection = await call('POST', `${FS}/connections`, {
    name: 'bench inlet',
    connectionSpec: { id: 'bc7b00d6-623a-4dfc-9fdb-f1240aeadaeb', version: '1.0' },
    auth: { specName: 'Streaming Connection', params: { sourceId: 'bench', dataType: 'raw', name: 'bench inlet' } },
  });
  const source = await call('POST', `${FS}/sourceConnections`, {
    name: 'bench inlet',
    baseConnectionId: connection.id,
    connectionSpec: { id: 'bc7b00d6-623a-4dfc-9fdb-f1240aeadaeb', version: '1.0' },
    data: { format: 'json' },
    params: {},
  });
  const table = await peopleFlow(call, 'bench inlet', source.id);
  const post = async (url: string, body: unknown, expected: number) => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (res.status !== expected) throw new Error(`POST ${url} answered ${res.status}: ${await res.text()}`);
  };
  const single = String(connection.inletUrl);
  const batch = single.replace('/collection/', '/collection/batch/');
  return measure(call, 'HTTP API inlet → lake', table, {
    many: (records) => post(batch, { messages: records }, 207),
    one: (r) => post(single, r, 200),
  });
}

try {
  const rows = [await kinesisCase(server.call), await inletCase(server.call)];
  console.log('| case | records | records/s | put→SQL p50 ms | put→SQL p99 ms | micro-batch ms |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const row of rows) console.log(row);
} finally {
  kinesis.destroy();
  await server.stop();
  await kinesalite.stop();
  rmSync(home, { recursive: true, force: true });
}
