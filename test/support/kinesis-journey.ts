import { CreateStreamCommand, DescribeStreamSummaryCommand, KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { expect } from 'vitest';
import { tableName } from '../../src/services/catalog/dataset-input.js';
import { FS, createConnection, createTarget, type Target } from './flow-journey.js';
import type { KinesaliteHandle } from './kinesalite.js';
import type { TestPlatform } from './platform.js';
import { waitFor } from './wait-for.js';

export const KINESIS_SPEC = '86043421-563b-46ec-8e6c-e23184711bf6';
export const STREAMING_FLOW_SPEC = 'd69717ba-71b4-4313-b654-49f9cf126d7a';

/** A producer's client of kinesalite (what a test puts records with). */
export function kinesisClient(k: KinesaliteHandle): KinesisClient {
  return new KinesisClient({
    endpoint: k.endpoint,
    region: k.region,
    credentials: { accessKeyId: k.accessKeyId, secretAccessKey: k.secretKey },
    requestHandler: new NodeHttpHandler(),
  });
}

/** Creates a stream and waits until it is ACTIVE. */
export async function createStream(client: KinesisClient, name: string, shards: number): Promise<void> {
  await client.send(new CreateStreamCommand({ StreamName: name, ShardCount: shards }));
  await waitForActive(client, name);
}

export async function waitForActive(client: KinesisClient, name: string): Promise<void> {
  await waitFor(
    async () => (await client.send(new DescribeStreamSummaryCommand({ StreamName: name }))).StreamDescriptionSummary?.StreamStatus === 'ACTIVE',
    { what: `stream ${name} to be active` },
  );
}

/** People records `{id, first_name, email}` with ids `${prefix}${from}…`, as JSON. */
export function people(prefix: string, from: number, count: number): Buffer[] {
  return Array.from({ length: count }, (_, i) => {
    const n = from + i;
    return Buffer.from(JSON.stringify({ id: `${prefix}${n}`, first_name: `Name${n}`, email: `${prefix}${n}@example.com` }));
  });
}

/** Puts records, spread over the shards by their index as partition key; raw buffers go as they are. */
export async function put(client: KinesisClient, stream: string, records: Buffer[]): Promise<void> {
  for (let i = 0; i < records.length; i += 500) {
    const chunk = records.slice(i, i + 500);
    const answer = await client.send(
      new PutRecordsCommand({ StreamName: stream, Records: chunk.map((data, j) => ({ Data: data, PartitionKey: `key-${i + j}` })) }),
    );
    expect(answer.FailedRecordCount ?? 0).toBe(0);
  }
}

/** A Kinesis connection to kinesalite through the API. */
export async function kinesisConnection(t: TestPlatform, k: KinesaliteHandle): Promise<string> {
  return createConnection(t, KINESIS_SPEC, 'Aws Kinesis authentication credentials', {
    accessKeyId: k.accessKeyId,
    secretKey: k.secretKey,
    region: k.region,
    endpoint: k.endpoint,
  });
}

export interface StreamFlow extends Target {
  flowId: string;
  sourceId: string;
  title: string;
}

/** A source connection on `stream`, a people dataset and mapping, and a streaming flow between them, as AEP's tutorial has it. */
export async function createStreamFlow(
  t: TestPlatform,
  options: { connectionId: string; stream: string; reset?: 'latest' | 'earliest'; dataSet?: Record<string, unknown> },
): Promise<StreamFlow> {
  const title = `stream ${options.stream}`;
  const source = await t.call('POST', `${FS}/sourceConnections`, {
    name: `${title} source`,
    baseConnectionId: options.connectionId,
    connectionSpec: { id: KINESIS_SPEC, version: '1.0' },
    data: { format: 'json' },
    params: { stream: options.stream, dataType: 'raw', ...(options.reset ? { reset: options.reset } : {}) },
  });
  expect(source.statusCode, source.body).toBe(201);
  const target = await createTarget(t, { title, ...(options.dataSet ? { dataSet: options.dataSet } : {}) });
  const flow = await t.call('POST', `${FS}/flows`, {
    name: title,
    flowSpec: { id: STREAMING_FLOW_SPEC, version: '1.0' },
    sourceConnectionIds: [source.json().id],
    targetConnectionIds: [target.targetId],
    transformations: [{ name: 'Mapping', params: { mappingId: target.mappingId, mappingVersion: 0 } }],
  });
  expect(flow.statusCode, flow.body).toBe(201);
  return { ...target, flowId: flow.json().id, sourceId: source.json().id, title };
}

/** Rows and distinct ids of the flow's dataset, counted by Query Service's SQL. */
export async function countBySql(t: TestPlatform, flow: StreamFlow): Promise<{ rows: number; distinct: number }> {
  const scope = await t.platform.identity.authorize({
    bearer: t.token,
    apiKey: t.credentials.clientId,
    orgHeader: t.credentials.imsOrg,
    sandboxHeader: 'prod',
  });
  const result = await t.platform.query.runInteractive(scope, `select count(*) as n, count(distinct _id) as d from ${tableName(flow.title)}`);
  const [n, d] = result.rows[0] as [number | bigint | string, number | bigint | string];
  return { rows: Number(n), distinct: Number(d) };
}

/** Waits until the dataset holds `count` rows by SQL, then checks that none is there twice. */
export async function expectLanded(t: TestPlatform, flow: StreamFlow, count: number): Promise<void> {
  const counted = await waitFor(
    async () => {
      const c = await countBySql(t, flow).catch(() => ({ rows: 0, distinct: 0 }));
      return c.rows >= count && c;
    },
    { timeoutMs: 90_000, intervalMs: 250, what: `${count} rows in ${flow.title}` },
  );
  expect(counted).toEqual({ rows: count, distinct: count });
}
