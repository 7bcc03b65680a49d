import { EventHubProducerClient } from '@azure/event-hubs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError, type RecordStream } from '../../../src/connectors/index.js';
import { EgressPolicy } from '../../../src/connectors/egress/index.js';
import { eventHubs } from '../../../src/connectors/event-hubs/index.js';
import { launchFakeEventHubs, type LaunchedFakeEventHubs } from '../../support/fake-event-hubs/index.js';

// The real SDK against the in-repo fake of the Event Hubs AMQP protocol, started as a process of its own.
const ROOT_KEY = 'cm9vdC1rZXktb2YtdGhlLWZha2UtbmFtZXNwYWNlLTAxMjM0NTY3ODk=';
const HUB_KEY = 'b3JkZXJzLWxpc3Rlbi1rZXktb2YtdGhlLWZha2UtMDEyMzQ1Njc4OQ==';

let fake: LaunchedFakeEventHubs;
const opened: RecordStream[] = [];

beforeAll(async () => {
  fake = await launchFakeEventHubs({
    hubs: [
      { name: 'orders', partitionCount: 4, consumerGroups: ['analytics'] },
      { name: 'clicks', partitionCount: 1 },
    ],
    policies: [
      { name: 'RootManageSharedAccessKey', key: ROOT_KEY },
      { name: 'orders-listen', key: HUB_KEY, hub: 'orders' },
    ],
  });
}, 60_000);

afterAll(async () => {
  await Promise.allSettled(opened.map((stream) => stream.close()));
  await fake?.stop();
});

function open(params: Record<string, unknown> = {}, egress?: EgressPolicy): RecordStream {
  const stream = eventHubs.open!(
    {
      sasKeyName: 'RootManageSharedAccessKey',
      sasKey: ROOT_KEY,
      namespace: 'tributary-test',
      endpoint: fake.endpoint,
      useDevelopmentEmulator: true,
      ...params,
    },
    egress ? { egress } : {},
  );
  opened.push(stream);
  return stream;
}

async function publish(hub: string, partitionId: string | { partitionKey: string }, bodies: unknown[]): Promise<void> {
  const producer = new EventHubProducerClient(
    `Endpoint=${fake.endpoint}/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${ROOT_KEY};UseDevelopmentEmulator=true`,
    hub,
  );
  try {
    await producer.sendBatch(
      bodies.map((body) => ({ body })),
      typeof partitionId === 'string' ? { partitionId } : partitionId,
    );
  } finally {
    await producer.close();
  }
}

const texts = (read: { records: Array<{ data: Buffer }> }) => read.records.map((r) => r.data.toString());
const READ = { maxRecords: 100, waitMs: 1_000 };

async function failureOf(action: Promise<unknown>): Promise<string> {
  const error = await action.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConnectorError);
  return (error as ConnectorError).failure;
}

describe('Azure Event Hubs connector (real SDK, fake AMQP service)', () => {
  it('lists the partitions of a hub and proves the key', async () => {
    const stream = open();
    await stream.check();
    expect(await stream.partitions('orders')).toEqual(['0', '1', '2', '3'].map((id) => ({ id, parents: [], closed: false })));
    // A namespace policy cannot list hubs over AMQP; a connection that names its hub lists that one.
    expect(await stream.listStreams()).toEqual([]);
    expect(await open({ eventHubName: 'orders' }).listStreams()).toEqual(['orders']);
  });

  it('reads a partition from the earliest event, then on from each checkpoint, each event once', async () => {
    const stream = open();
    await publish('orders', '1', [{ n: 1 }, { n: 2 }, { n: 3 }]);
    const first = await stream.read('orders', '1', { start: 'earliest' }, READ);
    expect(texts(first)).toEqual(['{"n":1}', '{"n":2}', '{"n":3}']);
    expect(first.checkpoint).toBe('2');
    expect(first.drained).toBe(false);
    expect(first.records[0]!.arrivedAt).toBeGreaterThan(Date.now() - 600_000);

    const nothing = await stream.read('orders', '1', { checkpoint: first.checkpoint }, { maxRecords: 10, waitMs: 300 });
    expect(nothing.records).toEqual([]);
    expect(nothing.checkpoint).toBe('2');

    await publish('orders', '1', [{ n: 4 }, 'plain text, not JSON']);
    const next = await stream.read('orders', '1', { checkpoint: nothing.checkpoint }, READ);
    expect(texts(next)).toEqual(['{"n":4}', '"plain text, not JSON"']);
    expect(next.checkpoint).toBe('4');
  });

  it('bounds a read by maxRecords and goes on where it stopped', async () => {
    const stream = open();
    await publish(
      'orders',
      '2',
      [1, 2, 3, 4, 5].map((n) => ({ n })),
    );
    const seen: string[] = [];
    let from: { checkpoint: string } | { start: 'earliest' } = { start: 'earliest' };
    for (let i = 0; i < 10 && seen.length < 5; i++) {
      const read = await stream.read('orders', '2', from, { maxRecords: 2, waitMs: 1_000 });
      expect(read.records.length).toBeLessThanOrEqual(2);
      seen.push(...texts(read));
      from = { checkpoint: read.checkpoint };
    }
    expect(seen).toEqual([1, 2, 3, 4, 5].map((n) => `{"n":${n}}`));
  });

  it('starts at the latest position without skipping what arrives after it', async () => {
    const stream = open();
    await publish('orders', '3', [{ old: 1 }, { old: 2 }]);
    const latest = await stream.read('orders', '3', { start: 'latest' }, { maxRecords: 10, waitMs: 300 });
    expect(latest.records).toEqual([]);
    expect(latest.checkpoint).toBe('1');
    await publish('orders', '3', [{ fresh: 1 }]);
    const after = await stream.read('orders', '3', { checkpoint: latest.checkpoint }, READ);
    expect(texts(after)).toEqual(['{"fresh":1}']);
    // An offset checkpoint is taken too.
    const fromOffset = await stream.read('orders', '3', { checkpoint: 'offset:-1' }, READ);
    expect(texts(fromOffset)).toEqual(['{"old":1}', '{"old":2}', '{"fresh":1}']);
  });

  it('reads through another consumer group independently, and refuses one the hub does not have', async () => {
    await publish('clicks', '0', [{ click: 1 }]);
    const analytics = await open({ consumerGroup: 'analytics' })
      .read('clicks', '0', { start: 'earliest' }, READ)
      .catch((e: unknown) => e);
    // `clicks` has only $Default.
    expect(analytics).toBeInstanceOf(ConnectorError);
    expect((analytics as ConnectorError).failure).toBe('not_found');
    await publish('orders', '0', [{ o: 1 }]);
    const viaDefault = await open().read('orders', '0', { start: 'earliest' }, READ);
    const viaAnalytics = await open({ consumerGroup: 'analytics' }).read('orders', '0', { start: 'earliest' }, READ);
    expect(texts(viaAnalytics)).toEqual(texts(viaDefault));
    expect(texts(viaDefault)).toEqual(['{"o":1}']);
  });

  it('keeps the events of one partition key together when they are sent to the hub', async () => {
    await publish('orders', { partitionKey: 'customer-7' }, [
      { key: 'customer-7', n: 1 },
      { key: 'customer-7', n: 2 },
      { key: 'customer-7', n: 3 },
    ]);
    const stream = open();
    const found: Array<{ partition: string; body: string }> = [];
    for (const { id } of await stream.partitions('orders')) {
      const read = await stream.read('orders', id, { start: 'earliest' }, { maxRecords: 100, waitMs: 300 });
      for (const body of texts(read)) if (body.includes('customer-7')) found.push({ partition: id, body });
    }
    expect(found.map((f) => f.body)).toEqual([1, 2, 3].map((n) => `{"key":"customer-7","n":${n}}`));
    expect(new Set(found.map((f) => f.partition)).size).toBe(1);
  });

  it('refuses a wrong key, as bad credentials, for checks and reads alike', async () => {
    const wrong = open({ sasKey: Buffer.from('not the key').toString('base64') });
    expect(await failureOf(wrong.check())).toBe('bad_credentials');
    expect(await failureOf(wrong.partitions('orders'))).toBe('bad_credentials');
    expect(await failureOf(wrong.read('orders', '0', { start: 'earliest' }, READ))).toBe('bad_credentials');
  });

  it('keeps a hub-scoped policy to its hub', async () => {
    const scoped = open({ sasKeyName: 'orders-listen', sasKey: HUB_KEY, eventHubName: 'orders' });
    await scoped.check();
    expect((await scoped.partitions('orders')).length).toBe(4);
    expect(await failureOf(scoped.partitions('clicks'))).toBe('bad_credentials');
  });

  it('tells a missing hub from an unreachable namespace', async () => {
    expect(await failureOf(open().partitions('no-such-hub'))).toBe('not_found');
    expect(await failureOf(open({ eventHubName: 'no-such-hub' }).check())).toBe('not_found');
    const closedPort = open({ endpoint: 'sb://127.0.0.1:1' });
    expect(await failureOf(closedPort.partitions('orders'))).toBe('unreachable');
    // A multi-tenant server's egress policy keeps streams off its own machine, before any socket opens.
    const confined = open({}, new EgressPolicy({ mode: 'public-only' }));
    expect(await failureOf(confined.partitions('orders'))).toBe('egress_refused');
  });

  it('refuses settings no connection could use', () => {
    expect(() => eventHubs.validateParams!({ sasKeyName: 'a', sasKey: 'b;c', namespace: 'ns' })).toThrow(/cannot contain/);
    expect(() => eventHubs.validateParams!({ sasKeyName: 'a', sasKey: 'b', namespace: 'ns', useDevelopmentEmulator: true })).toThrow(/endpoint/);
    expect(() => eventHubs.validateParams!({ sasKeyName: 'a', sasKey: 'b', namespace: 'ns', endpoint: 'http://x' })).toThrow(/endpoint/);
  });
});
