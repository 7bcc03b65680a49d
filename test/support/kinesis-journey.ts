import { CreateStreamCommand, DescribeStreamSummaryCommand, KinesisClient, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { expect } from 'vitest';
import { createConnection } from './flow-journey.js';
import type { KinesaliteHandle } from './kinesalite.js';
import type { TestPlatform } from './platform.js';
import { waitFor } from './wait-for.js';
import { createStreamFlow, type StreamFlow } from './stream-journey.js';

export { STREAMING_FLOW_SPEC, countBySql, expectLanded, people, type StreamFlow } from './stream-journey.js';

export const KINESIS_SPEC = '86043421-563b-46ec-8e6c-e23184711bf6';

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

/** A Kinesis source connection on `stream` and a streaming flow from it to a people dataset. */
export function createKinesisFlow(
  t: TestPlatform,
  options: { connectionId: string; stream: string; reset?: 'latest' | 'earliest'; dataSet?: Record<string, unknown> },
): Promise<StreamFlow> {
  return createStreamFlow(t, {
    connectionId: options.connectionId,
    connectionSpecId: KINESIS_SPEC,
    title: `stream ${options.stream}`,
    params: { stream: options.stream, dataType: 'raw', ...(options.reset ? { reset: options.reset } : {}) },
    ...(options.dataSet ? { dataSet: options.dataSet } : {}),
  });
}
