import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  ListStreamsCommand,
  type GetShardIteratorCommandInput,
  type KinesisClientConfig,
  type Shard,
} from '@aws-sdk/client-kinesis';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectorError, type PartitionRead, type RecordStream, type StreamPartition, type ReadFrom, type ReadOptions } from '../sdk.js';
import { isThrottling, kinesisError } from './kinesis-errors.js';

/**
 * The checkpoint of a shard, opaque to the platform:
 * - `seq:<n>`: after the record with sequence number n (AFTER_SEQUENCE_NUMBER);
 * - `at:<ms>`: records that arrived from that time on (AT_TIMESTAMP), the position a `latest` start pins before
 *   any record arrived, so that a consumer taking over later starts where this one did;
 * - `start:earliest`: nothing read yet from the oldest retained record (TRIM_HORIZON).
 */
type Position = { kind: 'seq'; sequenceNumber: string } | { kind: 'at'; ms: number } | { kind: 'earliest' } | { kind: 'latest' };

function parseCheckpoint(checkpoint: string): Position {
  if (checkpoint.startsWith('seq:')) return { kind: 'seq', sequenceNumber: checkpoint.slice(4) };
  if (checkpoint.startsWith('at:') && Number.isFinite(Number(checkpoint.slice(3)))) return { kind: 'at', ms: Number(checkpoint.slice(3)) };
  if (checkpoint === 'start:earliest') return { kind: 'earliest' };
  throw new ConnectorError('invalid_params', `not a Kinesis checkpoint: ${checkpoint}`);
}

/** How long to wait between two empty polls of a shard (Kinesis allows 5 GetRecords a second per shard). */
const POLL_MS = 250;
/** The most records one GetRecords returns. */
const MAX_LIMIT = 10_000;
/** Backoff of throttled calls: first delay, ceiling, and how many tries before the read fails (transient). */
const BACKOFF = { firstMs: 200, maxMs: 5_000, tries: 8 };

/** An Amazon Kinesis (or Kinesis-compatible) service: its streams, their shards, and reads by polling GetRecords. */
export class KinesisStream implements RecordStream {
  private readonly client: KinesisClient;
  /**
   * The shard iterator that goes on from a checkpoint, per shard, so that consecutive reads of one consumer
   * poll with the iterator Kinesis handed back instead of asking for a new one each time.
   */
  private readonly iterators = new Map<string, { checkpoint: string; iterator: string }>();

  constructor(config: KinesisClientConfig) {
    this.client = new KinesisClient(config);
  }

  async check(): Promise<void> {
    await this.call('listing the streams', () => this.client.send(new ListStreamsCommand({ Limit: 1 })));
  }

  async listStreams(): Promise<string[]> {
    const names: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await this.call('listing the streams', () =>
        this.client.send(new ListStreamsCommand({ Limit: 100, ...(after ? { ExclusiveStartStreamName: after } : {}) })),
      );
      names.push(...(page.StreamNames ?? []));
      if (!page.HasMoreStreams || !page.StreamNames?.length) return names;
      after = page.StreamNames.at(-1);
    }
  }

  async partitions(stream: string): Promise<StreamPartition[]> {
    const shards: Shard[] = [];
    let nextToken: string | undefined;
    do {
      const token = nextToken;
      const page = await this.call(`listing the shards of ${stream}`, () =>
        this.client.send(new ListShardsCommand(token ? { NextToken: token } : { StreamName: stream })),
      );
      shards.push(...(page.Shards ?? []));
      nextToken = page.NextToken;
    } while (nextToken);
    return shards.map((shard) => ({
      id: shard.ShardId!,
      parents: [shard.ParentShardId, shard.AdjacentParentShardId].filter((p): p is string => typeof p === 'string' && p !== ''),
      // A shard with an ending sequence number was closed by a split or a merge.
      closed: Boolean(shard.SequenceNumberRange?.EndingSequenceNumber),
    }));
  }

  async read(stream: string, partition: string, from: ReadFrom, options: ReadOptions): Promise<PartitionRead> {
    const key = `${stream}\u0000${partition}`;
    const deadline = Date.now() + options.waitMs;
    let checkpoint: string;
    let iterator: string;
    if ('checkpoint' in from) {
      checkpoint = from.checkpoint;
      const cached = this.iterators.get(key);
      iterator = cached?.checkpoint === checkpoint ? cached.iterator : await this.iteratorAt(stream, partition, parseCheckpoint(checkpoint));
    } else if (from.start === 'earliest') {
      checkpoint = 'start:earliest';
      iterator = await this.iteratorAt(stream, partition, { kind: 'earliest' });
    } else {
      // Pinned before asking, so that nothing that arrives after the LATEST iterator is older than the checkpoint.
      checkpoint = `at:${Date.now()}`;
      iterator = await this.iteratorAt(stream, partition, { kind: 'latest' });
    }
    const limit = Math.max(1, Math.min(options.maxRecords, MAX_LIMIT));
    for (;;) {
      const what = `reading shard ${partition} of ${stream}`;
      let answer: Awaited<ReturnType<KinesisStream['getRecords']>>;
      try {
        answer = await this.getRecords(iterator, limit, what, options.signal);
      } catch (error) {
        if ((error as { name?: string }).name !== 'ExpiredIteratorException') throw error;
        // An iterator lives five minutes: a new one from the same checkpoint reads the same records.
        iterator = await this.iteratorAt(stream, partition, parseCheckpoint(checkpoint));
        continue;
      }
      const records = (answer.Records ?? []).map((r) => ({
        data: Buffer.from(r.Data ?? new Uint8Array()),
        arrivedAt: r.ApproximateArrivalTimestamp?.getTime() ?? Date.now(),
      }));
      const last = answer.Records?.at(-1)?.SequenceNumber;
      if (last) checkpoint = `seq:${last}`;
      const lag = answer.MillisBehindLatest === undefined ? {} : { lagMs: answer.MillisBehindLatest };
      if (!answer.NextShardIterator) {
        // A closed shard read to its end.
        this.iterators.delete(key);
        return { records, checkpoint, drained: true, ...lag };
      }
      iterator = answer.NextShardIterator;
      this.iterators.set(key, { checkpoint, iterator });
      if (records.length > 0 || Date.now() >= deadline || options.signal?.aborted) return { records, checkpoint, drained: false, ...lag };
      await sleep(Math.min(POLL_MS, Math.max(0, deadline - Date.now())), undefined, options.signal ? { signal: options.signal } : {}).catch(
        () => undefined,
      );
    }
  }

  async close(): Promise<void> {
    this.iterators.clear();
    this.client.destroy();
  }

  private getRecords(iterator: string, limit: number, what: string, signal?: AbortSignal) {
    return this.call(what, () => this.client.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit })), signal, [
      'ExpiredIteratorException',
    ]);
  }

  private async iteratorAt(stream: string, shard: string, position: Position): Promise<string> {
    const input: GetShardIteratorCommandInput = { StreamName: stream, ShardId: shard, ShardIteratorType: 'TRIM_HORIZON' };
    if (position.kind === 'seq')
      Object.assign(input, { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: position.sequenceNumber });
    if (position.kind === 'at') Object.assign(input, { ShardIteratorType: 'AT_TIMESTAMP', Timestamp: new Date(position.ms) });
    if (position.kind === 'latest') input.ShardIteratorType = 'LATEST';
    const answer = await this.call(`positioning on shard ${shard} of ${stream}`, () => this.client.send(new GetShardIteratorCommand(input)));
    if (!answer.ShardIterator) throw new ConnectorError('transient', `Kinesis gave no iterator for shard ${shard} of ${stream}`);
    return answer.ShardIterator;
  }

  /** One call, throttling backed off (exponentially, up to a ceiling); `passThrough` errors are rethrown as they are. */
  private async call<T>(what: string, send: () => Promise<T>, signal?: AbortSignal, passThrough: string[] = []): Promise<T> {
    let delay = BACKOFF.firstMs;
    for (let attempt = 1; ; attempt++) {
      try {
        return await send();
      } catch (error) {
        if (passThrough.includes((error as { name?: string }).name ?? '')) throw error;
        if (!isThrottling(error) || attempt >= BACKOFF.tries || signal?.aborted) throw kinesisError(error, what);
        await sleep(delay, undefined, signal ? { signal } : {}).catch(() => undefined);
        delay = Math.min(delay * 2, BACKOFF.maxMs);
      }
    }
  }
}
