/**
 * `npx tsx bench/stream.bench.ts`: the streaming benchmark (also the last part of `npm run bench`).
 *
 * Starts kinesalite and Tributary (`serve`, embedded database) as child processes, creates a Kinesis connection,
 * a people dataset with its mapping and a streaming flow through the API, then measures:
 * - throughput: STREAM_RECORDS records (20,000 by default) put at once over STREAM_SHARDS shards (2), and the
 *   records per second from the first put until all of them are counted by SQL (Query Service);
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

try {
  const { call } = server;
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
  const schema = await call('POST', '/data/foundation/schemaregistry/tenant/schemas', {
    type: 'object',
    title: 'bench stream people',
    allOf: [
      { $ref: 'https://ns.adobe.com/xdm/context/profile' },
      { $ref: 'https://ns.adobe.com/xdm/context/profile-person-details' },
      { $ref: 'https://ns.adobe.com/xdm/context/profile-personal-details' },
    ],
  });
  const dataSet = (
    await call('POST', '/data/foundation/catalog/dataSets', { name: 'bench stream', schemaRef: { id: schema.$id, contentType: XED } })
  )[0]
    .split('/')
    .pop();
  const target = await call('POST', `${FS}/targetConnections`, {
    name: 'bench lake',
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
    name: 'bench stream',
    flowSpec: { id: 'd69717ba-71b4-4313-b654-49f9cf126d7a', version: '1.0' },
    sourceConnectionIds: [source.id],
    targetConnectionIds: [target.id],
    transformations: [{ name: 'Mapping', params: { mappingId: mapping.id, mappingVersion: 0 } }],
  });
  const record = (n: number) => Buffer.from(JSON.stringify({ id: `b${n}`, first_name: `Name${n}`, email: `b${n}@example.com` }));

  const started = performance.now();
  for (let i = 0; i < RECORDS; i += 500) {
    const n = Math.min(500, RECORDS - i);
    await kinesis.send(
      new PutRecordsCommand({
        StreamName: 'bench',
        Records: Array.from({ length: n }, (_, j) => ({ Data: record(i + j), PartitionKey: `k${i + j}` })),
      }),
    );
  }
  await waitForCount(call, 'bench_stream', RECORDS);
  const seconds = (performance.now() - started) / 1000;

  const latencies: number[] = [];
  for (let p = 0; p < PROBES; p++) {
    const put = performance.now();
    await kinesis.send(new PutRecordCommand({ StreamName: 'bench', Data: record(RECORDS + p), PartitionKey: `probe${p}` }));
    await waitForCount(call, 'bench_stream', RECORDS + p + 1);
    latencies.push(performance.now() - put);
  }
  console.log('| case | records | records/s | put→SQL p50 ms | put→SQL p99 ms | micro-batch ms |');
  console.log('|---|---:|---:|---:|---:|---:|');
  console.log(
    `| Kinesis (kinesalite, ${SHARDS} shards) → lake | ${RECORDS} | ${Math.round(RECORDS / seconds)} | ${Math.round(percentile(latencies, 50))} | ${Math.round(percentile(latencies, 99))} | ${BATCH_MS} |`,
  );
} finally {
  kinesis.destroy();
  await server.stop();
  await kinesalite.stop();
  rmSync(home, { recursive: true, force: true });
}
