/**
 * Streaming flows end to end against a real kinesalite process: records put into Kinesis land in the dataset
 * (counted by SQL: none lost, none twice), through resharding, from `earliest` or `latest`, with bad records
 * as row errors while the stream goes on, and across a flow disabled and enabled again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MergeShardsCommand, ListShardsCommand, SplitShardCommand, type KinesisClient } from '@aws-sdk/client-kinesis';
import { startTestPlatform, type TestDatabase, type TestPlatform } from '../support/platform.js';
import { startKinesalite, type KinesaliteHandle } from '../support/kinesalite.js';
import { FS, explore, testConnection } from '../support/flow-journey.js';
import { waitFor } from '../support/wait-for.js';
import {
  countBySql,
  createStream,
  createKinesisFlow,
  expectLanded,
  kinesisClient,
  kinesisConnection,
  people,
  put,
  waitForActive,
} from '../support/kinesis-journey.js';

const STREAM_ENV = {
  TRIBUTARY_STREAM_BATCH_MS: '300',
  TRIBUTARY_STREAM_SCAN_MS: '200',
  TRIBUTARY_STREAM_LEASE_MS: '3000',
  TRIBUTARY_STREAM_MAX_RECORD_BYTES: '2048',
};

describe.each<TestDatabase>(['pglite', 'postgres'])('Kinesis streaming flows (%s)', (database) => {
  let k: KinesaliteHandle;
  let t: TestPlatform;
  let client: KinesisClient;
  let connectionId: string;

  beforeAll(async () => {
    k = await startKinesalite();
    t = await startTestPlatform({ database, env: STREAM_ENV });
    client = kinesisClient(k);
    connectionId = await kinesisConnection(t, k);
    t.platform.flowService.streams.start();
  }, 120_000);

  afterAll(async () => {
    client?.destroy();
    await t?.close();
    await k?.stop();
  });

  const partitionsOf = (flowId: string) =>
    t.platform.db.query<{ partition_id: string; checkpoint: string | null; drained: boolean; holder: string | null }>(
      'select partition_id, checkpoint, drained, holder from stream_partitions where flow_id = $1 order by partition_id',
      [flowId],
    );

  it('tests the connection, lists the streams and previews recent records with their columns', async () => {
    await createStream(client, 'explore-me', 1);
    await put(client, 'explore-me', people('x', 1, 3));
    expect(await testConnection(t, connectionId)).toEqual({ status: 200 });
    const root = await explore(t, connectionId, 'objectType=root');
    expect(root.status, JSON.stringify(root.body)).toBe(200);
    expect(root.body).toContainEqual(expect.objectContaining({ type: 'stream', name: 'explore-me', canPreview: true }));
    const preview = await explore(t, connectionId, 'objectType=stream&object=explore-me&preview=true');
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body.schema.columns.map((c: { name: string }) => c.name).sort()).toEqual(['email', 'first_name', 'id']);
    expect(preview.body.data.map((r: { id: string }) => r.id)).toEqual(['x1', 'x2', 'x3']);

    const wrong = await t.call('POST', `${FS}/connections`, {
      name: 'bad',
      auth: { specName: 'Aws Kinesis authentication credentials', params: { accessKeyId: 'a', secretKey: 'b', region: 'r', endpoint: 'ftp://x' } },
      connectionSpec: { id: '86043421-563b-46ec-8e6c-e23184711bf6', version: '1.0' },
    });
    expect(wrong.statusCode).toBe(400);
  });

  it('lands every record put before and after the flow starts, from earliest, exactly once, with runs and metrics', async () => {
    await createStream(client, 'orders', 3);
    await put(client, 'orders', people('o', 0, 120));
    const flow = await createKinesisFlow(t, { connectionId, stream: 'orders', reset: 'earliest' });
    await put(client, 'orders', people('o', 120, 180));
    await expectLanded(t, flow, 300);
    expect((await partitionsOf(flow.flowId)).map((p) => p.partition_id)).toHaveLength(3);

    const runs = (await t.call('GET', `${FS}/runs?property=flowId==${flow.flowId}`)).json().items as any[];
    expect(runs).toHaveLength(1);
    expect(runs[0].flowSpec.id).toBe('d69717ba-71b4-4313-b654-49f9cf126d7a');
    expect(runs[0].metrics.recordSummary).toMatchObject({ inputRecordCount: 300, outputRecordCount: 300, failedRecordCount: 0 });
    expect(runs[0].metrics.statusSummary.status).toBe('success');
    // A streaming flow runs continuously: no run asked for, no window run re-triggered, no schedule.
    for (const [method, url, body] of [
      ['POST', `${FS}/runs`, { flowId: flow.flowId }],
      ['POST', `${FS}/flows/${flow.flowId}/runs`, undefined],
    ] as const) {
      const refused = await t.call(method, url, body);
      expect(refused.statusCode, refused.body).toBe(400);
      expect(refused.json().type).toMatch(/FLOW-1023/);
    }
    const scheduled = await t.call('POST', `${FS}/flows`, {
      name: 'scheduled stream',
      flowSpec: { id: 'd69717ba-71b4-4313-b654-49f9cf126d7a', version: '1.0' },
      sourceConnectionIds: [flow.sourceId],
      targetConnectionIds: [flow.targetId],
      scheduleParams: { frequency: 'once' },
    });
    expect(scheduled.statusCode).toBe(400);
    const metrics = await t.call('GET', '/metrics');
    expect(metrics.body).toContain(`tributary_stream_records{flow_id="${flow.flowId}",outcome="output"} 300`);
    expect(metrics.body).toMatch(new RegExp(`tributary_stream_lag_ms\\{flow_id="${flow.flowId}"\\} \\d+`));
  });

  it('from latest, takes only what arrives once the flow consumes', async () => {
    await createStream(client, 'clicks', 2);
    await put(client, 'clicks', people('old', 0, 40));
    const flow = await createKinesisFlow(t, { connectionId, stream: 'clicks', reset: 'latest' });
    // Each shard's start is pinned once the flow consumes it.
    await waitFor(async () => {
      const parts = await partitionsOf(flow.flowId);
      return parts.length === 2 && parts.every((p) => p.checkpoint !== null);
    });
    await put(client, 'clicks', people('new', 0, 25));
    await expectLanded(t, flow, 25);
    const scope = await t.platform.identity.authorize({
      bearer: t.token,
      apiKey: t.credentials.clientId,
      orgHeader: t.credentials.imsOrg,
      sandboxHeader: 'prod',
    });
    const old = await t.platform.query.runInteractive(scope, `select count(*) from stream_clicks where _id like 'old%'`);
    expect(Number((old.rows[0] as unknown[])[0])).toBe(0);
  });

  it('makes bad records row errors of their micro-batch and goes on', async () => {
    await createStream(client, 'mixed', 1);
    const flow = await createKinesisFlow(t, { connectionId, stream: 'mixed', reset: 'earliest' });
    const tooLarge = Buffer.from(JSON.stringify({ id: 'big', first_name: 'x'.repeat(4000) }));
    await put(client, 'mixed', [...people('m', 0, 10), Buffer.from('not json {'), Buffer.from('[1,2]'), tooLarge, ...people('m', 10, 10)]);
    await expectLanded(t, flow, 20);
    const run = await waitFor(async () => {
      const items = (await t.call('GET', `${FS}/runs?property=flowId==${flow.flowId}`)).json().items as any[];
      return items[0]?.metrics.recordSummary.inputRecordCount === 23 && items[0];
    });
    expect(run.metrics.recordSummary).toMatchObject({ outputRecordCount: 20, failedRecordCount: 3 });
    expect(run.metrics.statusSummary.status).toBe('partialSuccess');
    // The row errors are the batch's, as a file's are.
    const batches = Object.values((await t.call('GET', `/data/foundation/catalog/batches?dataSet=${flow.dataSetId}`)).json() as Record<string, any>);
    const failed = batches.reduce((sum, b) => sum + Number(b.metrics?.failedRecordCount ?? 0), 0);
    expect(failed).toBe(3);
    // Each micro-batch names its window run, which finds them: their records are the run's, their row errors its errors.
    const ofRun = Object.entries(
      (await t.call('GET', `/data/foundation/catalog/batches?property=relatedObjects.id==${run.id}&limit=100`)).json() as Record<string, any>,
    );
    expect(ofRun.length).toBe(batches.length);
    for (const [, batch] of ofRun) expect(batch.relatedObjects).toContainEqual({ type: 'flowRun', id: run.id });
    const sum = (key: string) => ofRun.reduce((n, [, b]) => n + Number(b.metrics?.[key] ?? 0), 0);
    expect([sum('inputRecordCount'), sum('failedRecordCount')]).toEqual([23, 3]);
    const rowErrors: any[] = [];
    for (const [id] of ofRun) {
      const meta = await t.call('GET', `/data/foundation/export/batches/${id}/meta?path=row_errors`);
      expect(meta.statusCode).toBe(200);
      rowErrors.push(
        ...meta.body
          .split('\n')
          .filter((line: string) => line.trim())
          .map((line: string) => JSON.parse(line)),
      );
    }
    expect(rowErrors).toHaveLength(3);
    // Of the flow's dataset, no batch is another run's.
    expect((await t.call('GET', `/data/foundation/catalog/batches?property=relatedObjects.id!=${run.id}&dataSet=${flow.dataSetId}`)).json()).toEqual(
      {},
    );
    await put(client, 'mixed', people('m', 20, 5));
    await expectLanded(t, flow, 25);
  });

  it('stops consuming a disabled flow and goes on from its checkpoint once enabled', async () => {
    await createStream(client, 'pausable', 1);
    const flow = await createKinesisFlow(t, { connectionId, stream: 'pausable', reset: 'earliest' });
    await put(client, 'pausable', people('p', 0, 10));
    await expectLanded(t, flow, 10);
    const etag = (await t.call('GET', `${FS}/flows/${flow.flowId}`)).json().items[0].etag;
    const disable = await t.call('POST', `${FS}/flows/${flow.flowId}/action?op=disable`, undefined, { 'if-match': etag });
    expect(disable.statusCode, disable.body).toBeLessThan(300);
    await waitFor(async () => (await partitionsOf(flow.flowId)).every((p) => p.holder === null), { what: 'the lease to be given back' });
    await put(client, 'pausable', people('p', 10, 10));
    // Several scans of the runner pass: nothing of the disabled flow is read.
    const scans = Number(STREAM_ENV.TRIBUTARY_STREAM_SCAN_MS) * 5;
    await new Promise((resolve) => setTimeout(resolve, scans));
    expect((await partitionsOf(flow.flowId)).every((p) => p.holder === null)).toBe(true);
    expect(await countBySql(t, flow)).toEqual({ rows: 10, distinct: 10 });
    const etag2 = (await t.call('GET', `${FS}/flows/${flow.flowId}`)).json().items[0].etag;
    const enable = await t.call('POST', `${FS}/flows/${flow.flowId}/action?op=enable`, undefined, { 'if-match': etag2 });
    expect(enable.statusCode, enable.body).toBeLessThan(300);
    await expectLanded(t, flow, 20);
  });

  it('keeps every record through a split and a merge of shards', async () => {
    await createStream(client, 'resharded', 1);
    const flow = await createKinesisFlow(t, { connectionId, stream: 'resharded', reset: 'earliest' });
    await put(client, 'resharded', people('r', 0, 30));
    await client.send(
      new SplitShardCommand({ StreamName: 'resharded', ShardToSplit: 'shardId-000000000000', NewStartingHashKey: (2n ** 127n).toString() }),
    );
    await waitForActive(client, 'resharded');
    await put(client, 'resharded', people('r', 30, 30));
    const open = ((await client.send(new ListShardsCommand({ StreamName: 'resharded' }))).Shards ?? []).filter(
      (s) => !s.SequenceNumberRange?.EndingSequenceNumber,
    );
    expect(open).toHaveLength(2);
    await client.send(new MergeShardsCommand({ StreamName: 'resharded', ShardToMerge: open[0]!.ShardId!, AdjacentShardToMerge: open[1]!.ShardId! }));
    await waitForActive(client, 'resharded');
    await put(client, 'resharded', people('r', 60, 30));
    await expectLanded(t, flow, 90);
    await waitFor(async () => (await partitionsOf(flow.flowId)).filter((p) => p.drained).length === 3, { what: 'the closed shards to be drained' });
  });
});
