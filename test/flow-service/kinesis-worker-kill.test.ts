/**
 * Take-over on PostgreSQL: two `tributary worker` processes consume a Kinesis stream (kinesalite) while records
 * keep arriving; the one holding shard leases is SIGKILLed mid-stream. Its leases expire, the other worker takes
 * them over from the committed checkpoints, and every record lands exactly once (counted by SQL).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { launch, type Launched } from '../support/launch.js';
import { startKinesalite, type KinesaliteHandle } from '../support/kinesalite.js';
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
} from '../support/kinesis-journey.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'tributary.js');
const STREAM_ENV = { TRIBUTARY_STREAM_BATCH_MS: '300', TRIBUTARY_STREAM_SCAN_MS: '200', TRIBUTARY_STREAM_LEASE_MS: '2000' };
const CHUNKS = 30;
const PER_CHUNK = 40;

describe('two workers consuming a stream, the one holding leases killed mid-stream', () => {
  let k: KinesaliteHandle;
  let t: TestPlatform;
  let client: KinesisClient;
  const workers: Array<Launched<true>> = [];

  const startWorker = () =>
    launch(process.execPath, [BIN, 'worker'], {
      what: 'a worker',
      env: { ...process.env, ...STREAM_ENV, TRIBUTARY_HOME: t.home, DATABASE_URL: t.platform.config.databaseUrl!, LOG_LEVEL: 'info' },
      ready: (line) => (/worker started/.test(line) ? true : undefined),
      timeoutMs: 60_000,
    });

  beforeAll(async () => {
    k = await startKinesalite();
    // This process only answers the API: the workers, child processes, consume the stream.
    t = await startTestPlatform({ database: 'postgres', env: STREAM_ENV });
    client = kinesisClient(k);
  }, 120_000);

  afterAll(async () => {
    for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
    client?.destroy();
    await t?.close();
    await k?.stop();
  });

  it('lands every record exactly once across the take-over', async () => {
    await createStream(client, 'takeover', 2);
    const connectionId = await kinesisConnection(t, k);
    const flow = await createKinesisFlow(t, { connectionId, stream: 'takeover', reset: 'earliest' });
    workers.push(await startWorker(), await startWorker());

    const holders = async () =>
      (
        await t.platform.db.query<{ holder: string | null }>(
          'select holder from stream_partitions where flow_id = $1 and holder is not null and lease_expires_at > now()',
          [flow.flowId],
        )
      ).map((r) => Number(r.holder!.split(':')[1]));

    // The producer: records keep arriving before, during and after the kill.
    let sent = 0;
    const produce = async (chunks: number) => {
      for (let c = 0; c < chunks; c++) {
        await put(client, 'takeover', people('t', sent, PER_CHUNK));
        sent += PER_CHUNK;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    await produce(CHUNKS / 3);
    // Mid-stream: some records landed, more are on their way.
    await waitFor(async () => (await countBySql(t, flow).catch(() => ({ rows: 0 }))).rows > 0, { timeoutMs: 60_000, what: 'first rows' });
    const pids = await waitFor(async () => {
      const held = await holders();
      return held.length === 2 && held;
    });
    const victim = workers.find((w) => pids.includes(w.child.pid!))!;
    const survivor = workers.find((w) => w !== victim)!;
    const producing = produce(CHUNKS / 3);
    victim.child.kill('SIGKILL');
    await victim.exited;
    await producing;

    // The survivor takes over every shard once the dead worker's leases expire.
    await waitFor(
      async () => {
        const held = await holders();
        return held.length === 2 && held.every((pid) => pid === survivor.child.pid);
      },
      { timeoutMs: 60_000, what: 'the survivor to hold every lease' },
    );
    await produce(CHUNKS / 3);
    expect(sent).toBe(CHUNKS * PER_CHUNK);
    await expectLanded(t, flow, sent);
    // A micro-batch the dead worker had begun is failed by the survivor: no batch stays open.
    let statuses = '';
    await waitFor(async () => {
      const batches = Object.values(
        (await t.call('GET', `/data/foundation/catalog/batches?dataSet=${flow.dataSetId}`)).json() as Record<string, any>,
      );
      statuses = JSON.stringify(batches.map((b) => [b.status, b.errors?.[0]?.code]));
      return batches.every((b) => ['success', 'failed'].includes(b.status));
    }).catch((error: Error) => {
      throw new Error(`${error.message}: ${statuses}`);
    });
  }, 240_000);
});
