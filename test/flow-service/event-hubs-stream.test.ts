/**
 * An Event Hubs streaming flow end to end: events sent with the real SDK's producer to several partitions of a hub
 * of the in-repo AMQP fake (started as a process) land in the dataset, counted by SQL — none lost, none twice —
 * read with the consumer group the source connection names.
 */
import { EventHubProducerClient } from '@azure/event-hubs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_HUBS_SPEC_ID } from '../../src/connectors/event-hubs/event-hubs.spec.js';
import { launchFakeEventHubs, type LaunchedFakeEventHubs } from '../support/fake-event-hubs/index.js';
import { FS, createConnection, explore, testConnection } from '../support/flow-journey.js';
import { startTestPlatform, type TestDatabase, type TestPlatform } from '../support/platform.js';
import { countBySql, createStreamFlow, expectLanded, people } from '../support/stream-journey.js';

const STREAM_ENV = { TRIBUTARY_STREAM_BATCH_MS: '300', TRIBUTARY_STREAM_SCAN_MS: '200', TRIBUTARY_STREAM_LEASE_MS: '3000' };
const KEY_NAME = 'RootManageSharedAccessKey';
const KEY = 'cm9vdC1rZXktb2YtdGhlLWZha2UtbmFtZXNwYWNlLTAxMjM0NTY3ODk=';
const PARTITIONS = 4;

describe.each<TestDatabase>(['pglite', 'postgres'])('Event Hubs streaming flows (%s)', (database) => {
  let fake: LaunchedFakeEventHubs;
  let t: TestPlatform;
  let producer: EventHubProducerClient;
  let connectionId: string;

  beforeAll(async () => {
    fake = await launchFakeEventHubs({
      hubs: [
        { name: 'orders', partitionCount: PARTITIONS, consumerGroups: ['tributary'] },
        { name: 'previewed', partitionCount: PARTITIONS },
      ],
      policies: [{ name: KEY_NAME, key: KEY }],
    });
    t = await startTestPlatform({ database, env: STREAM_ENV });
    producer = new EventHubProducerClient(
      `Endpoint=${fake.endpoint}/;SharedAccessKeyName=${KEY_NAME};SharedAccessKey=${KEY};UseDevelopmentEmulator=true`,
      'orders',
    );
    connectionId = await createConnection(t, EVENT_HUBS_SPEC_ID, 'Azure EventHub authentication credentials', {
      sasKeyName: KEY_NAME,
      sasKey: KEY,
      namespace: 'tributary-test',
      endpoint: fake.endpoint,
      useDevelopmentEmulator: true,
    });
    t.platform.flowService.streams.start();
  }, 120_000);

  afterAll(async () => {
    await producer?.close();
    await t?.close();
    await fake?.stop();
  });

  /** Sends people events (as JSON bodies) to every partition in turn, `perPartition` each, ids from `from`. */
  async function sendToEveryPartition(prefix: string, from: number, perPartition: number): Promise<void> {
    for (let p = 0; p < PARTITIONS; p++) {
      const records = people(prefix, from + p * perPartition, perPartition).map((b) => JSON.parse(b.toString('utf8')));
      await producer.sendBatch(
        records.map((body) => ({ body })),
        { partitionId: String(p) },
      );
    }
  }

  const source = (consumerGroup: string) => ({ eventHubName: 'orders', consumerGroup, dataType: 'raw', reset: 'earliest' });
  const checkpointsOf = (flowId: string) =>
    t.platform.db.query<{ partition_id: string; checkpoint: string | null }>(
      'select partition_id, checkpoint from stream_partitions where flow_id = $1 order by partition_id',
      [flowId],
    );

  it('previews the events of every partition of a hub, with their columns', async () => {
    const previewed = new EventHubProducerClient(
      `Endpoint=${fake.endpoint}/;SharedAccessKeyName=${KEY_NAME};SharedAccessKey=${KEY};UseDevelopmentEmulator=true`,
      'previewed',
    );
    try {
      for (let p = 0; p < PARTITIONS; p++) {
        await previewed.sendBatch(
          people('v', p * 2, 2).map((b) => ({ body: JSON.parse(b.toString('utf8')) })),
          { partitionId: String(p) },
        );
      }
    } finally {
      await previewed.close();
    }
    const preview = await explore(t, connectionId, 'objectType=stream&object=previewed&preview=true');
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body.schema.columns.map((c: { name: string }) => c.name)).toEqual(['id', 'first_name', 'email']);
    // Each partition's events, none missed because a receiver had not attached yet.
    expect(preview.body.data.map((r: { id: string }) => r.id).sort()).toEqual(['v0', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7']);
  });

  it('lands every event sent to every partition, before and after the flow starts, exactly once, with the consumer group the source names', async () => {
    expect(await testConnection(t, connectionId)).toEqual({ status: 200 });
    await sendToEveryPartition('e', 0, 40);
    const flow = await createStreamFlow(t, {
      connectionId,
      connectionSpecId: EVENT_HUBS_SPEC_ID,
      title: 'hub orders',
      params: source('tributary'),
    });
    // A second flow on the same hub whose consumer group the hub does not have: if the source's group were not
    // read, it would consume with `$Default` and land the same events.
    const unknownGroup = await createStreamFlow(t, {
      connectionId,
      connectionSpecId: EVENT_HUBS_SPEC_ID,
      title: 'hub orders nobody',
      params: source('nobody'),
    });
    await sendToEveryPartition('e', 160, 40);
    await producer.sendBatch(
      people('k', 0, 20)
        .map((b) => JSON.parse(b.toString('utf8')))
        .map((body) => ({ body })),
      { partitionKey: 'customer-7' },
    );
    await expectLanded(t, flow, 340);

    const checkpoints = await checkpointsOf(flow.flowId);
    expect(checkpoints.map((p) => p.partition_id)).toEqual(['0', '1', '2', '3']);
    expect(checkpoints.every((p) => p.checkpoint !== null)).toBe(true);
    const runs = (await t.call('GET', `${FS}/runs?property=flowId==${flow.flowId}`)).json().items as any[];
    expect(runs).toHaveLength(1);
    expect(runs[0].metrics.recordSummary).toMatchObject({ inputRecordCount: 340, outputRecordCount: 340, failedRecordCount: 0 });

    // The flow on the unknown group read nothing: no checkpoint, no row.
    const unread = await checkpointsOf(unknownGroup.flowId);
    expect(unread.map((p) => [p.partition_id, p.checkpoint])).toEqual([
      ['0', null],
      ['1', null],
      ['2', null],
      ['3', null],
    ]);
    expect(await countBySql(t, unknownGroup).catch(() => ({ rows: 0, distinct: 0 }))).toEqual({ rows: 0, distinct: 0 });
    const etag = (await t.call('GET', `${FS}/flows/${unknownGroup.flowId}`)).json().items[0].etag;
    const disable = await t.call('POST', `${FS}/flows/${unknownGroup.flowId}/action?op=disable`, undefined, { 'if-match': etag });
    expect(disable.statusCode, disable.body).toBeLessThan(300);

    // And it goes on: what arrives later lands once too.
    await sendToEveryPartition('late', 0, 5);
    await expectLanded(t, flow, 360);
  });
});
