import { EventHubConsumerClient, earliestEventPosition, type EventPosition, type ReceivedEventData, type Subscription } from '@azure/event-hubs';
import { OPEN_EGRESS, type EgressPolicy } from '../egress/index.js';
import {
  ConnectorError,
  type PartitionRead,
  type RecordStream,
  type StreamPartition,
  type StreamRecord,
  type ReadFrom,
  type ReadOptions,
} from '../sdk.js';
import { eventHubsFailure } from './event-hubs-errors.js';
import { connectionString, type EventHubsSettings } from './event-hubs-settings.js';

/**
 * An Event Hubs namespace read through the SDK's consumer client: one client (one AMQP connection) per hub, kept
 * until `close`. Each `read` opens a receiver on the partition at its position, takes the first batch (at most
 * `maxRecords`, waiting up to `waitMs` for the first) and closes it, so that a read never runs unbounded and a
 * partition another worker took over is not held open here.
 *
 * Checkpoints are the sequence number of the last event read (decimal); `offset:<offset>` is taken too, for a
 * position a user copied from the portal. A read with nothing new hands back the position it started from, as a
 * sequence number, so a `latest` start does not skip what arrives between two reads.
 */
export class EventHubsStream implements RecordStream {
  private readonly clients = new Map<string, EventHubConsumerClient>();
  private admitted: Promise<void> | undefined;

  constructor(
    private readonly settings: EventHubsSettings,
    private readonly egress: EgressPolicy = OPEN_EGRESS,
  ) {}

  async check(): Promise<void> {
    const hub = this.settings.eventHubName;
    if (hub !== undefined) {
      await this.call(hub, (client) => client.getEventHubProperties());
      return;
    }
    // A namespace policy and no hub: the data plane has no list of hubs, but a management read of a hub that is not
    // there answers "not found" to a good key and "unauthorized" to a bad one.
    try {
      await this.call('tributary-credentials-probe', (client) => client.getEventHubProperties());
    } catch (error) {
      if (error instanceof ConnectorError && error.failure === 'not_found') return;
      throw error;
    }
  }

  /**
   * The hub of the connection, when it names one. Event Hubs' AMQP endpoint cannot list a namespace's hubs (only
   * Azure Resource Manager can, with Azure AD credentials that a shared access key is not), so a namespace policy
   * without `eventHubName` lists nothing and the hub is typed in.
   */
  async listStreams(): Promise<string[]> {
    const hub = this.settings.eventHubName;
    if (hub === undefined) return [];
    const properties = await this.call(hub, (client) => client.getEventHubProperties());
    return [properties.name];
  }

  async partitions(stream: string): Promise<StreamPartition[]> {
    const ids = await this.call(stream, (client) => client.getPartitionIds());
    return ids.map((id) => ({ id, parents: [], closed: false }));
  }

  async read(stream: string, partition: string, from: ReadFrom, options: ReadOptions): Promise<PartitionRead> {
    const { position, checkpoint } = await this.positionOf(stream, partition, from);
    const events = await this.call(stream, (client) => receiveBatch(client, partition, position, options));
    const last = events.at(-1);
    const records: StreamRecord[] = events.map((event) => ({ data: bytesOf(event), arrivedAt: event.enqueuedTimeUtc.getTime() }));
    const lastEnqueued = events.lastEnqueued;
    const lagMs =
      last && lastEnqueued?.enqueuedOn && lastEnqueued.sequenceNumber !== undefined && lastEnqueued.sequenceNumber > last.sequenceNumber
        ? Math.max(0, lastEnqueued.enqueuedOn.getTime() - last.enqueuedTimeUtc.getTime())
        : events.length > 0 || lastEnqueued !== undefined
          ? 0
          : undefined;
    return {
      records,
      checkpoint: last ? String(last.sequenceNumber) : checkpoint,
      drained: false,
      ...(lagMs !== undefined ? { lagMs } : {}),
    };
  }

  async close(): Promise<void> {
    const clients = [...this.clients.values()];
    this.clients.clear();
    await Promise.allSettled(clients.map((client) => client.close()));
  }

  /** Where a read starts, and the checkpoint to hand back when it finds nothing. */
  private async positionOf(stream: string, partition: string, from: ReadFrom): Promise<{ position: EventPosition; checkpoint: string }> {
    if ('checkpoint' in from) {
      const offset = /^offset:(.+)$/.exec(from.checkpoint)?.[1];
      if (offset !== undefined) return { position: { offset, isInclusive: false }, checkpoint: from.checkpoint };
      const sequenceNumber = Number(from.checkpoint);
      if (!Number.isSafeInteger(sequenceNumber) || sequenceNumber < -1) {
        throw new ConnectorError('invalid_params', `"${from.checkpoint}" is not an Event Hubs checkpoint (a sequence number, or offset:<offset>)`);
      }
      return { position: { sequenceNumber, isInclusive: false }, checkpoint: String(sequenceNumber) };
    }
    if (from.start === 'earliest') return { position: earliestEventPosition, checkpoint: '-1' };
    // "latest" as a fixed point: what is in the partition now is skipped, whatever arrives after this read is not.
    const properties = await this.call(stream, (client) => client.getPartitionProperties(partition));
    const sequenceNumber = properties.lastEnqueuedSequenceNumber;
    return { position: { sequenceNumber, isInclusive: false }, checkpoint: String(sequenceNumber) };
  }

  /** Runs an SDK call on the hub's client, its errors as connector failures. */
  private async call<T>(hub: string, action: (client: EventHubConsumerClient) => Promise<T>): Promise<T> {
    try {
      await this.admit();
      return await action(this.client(hub));
    } catch (error) {
      throw eventHubsFailure(error);
    }
  }

  private client(hub: string): EventHubConsumerClient {
    let client = this.clients.get(hub);
    if (!client) {
      client = new EventHubConsumerClient(this.settings.consumerGroup, connectionString(this.settings), hub, {
        // The stream runner retries reads on its own schedule: the SDK's own retries only ride out a blip.
        retryOptions: { maxRetries: 1, retryDelayInMs: 200, maxRetryDelayInMs: 2_000, timeoutInMs: 30_000 },
      });
      this.clients.set(hub, client);
    }
    return client;
  }

  /**
   * The SDK opens its sockets itself, with no way to hand it a lookup: the endpoint's addresses are resolved and
   * checked against the egress policy once, before the first connection.
   */
  private admit(): Promise<void> {
    this.admitted ??= new Promise<void>((resolve, reject) => {
      this.egress.lookup(this.settings.host, { all: true }, (error) => (error ? reject(error) : resolve()));
    });
    return this.admitted.catch((error) => {
      this.admitted = undefined;
      throw error;
    });
  }
}

type ReceivedBatch = ReceivedEventData[] & { lastEnqueued?: { sequenceNumber?: number; enqueuedOn?: Date } };

/** The first batch of a partition from a position: a receiver opened for it and closed after it. */
function receiveBatch(client: EventHubConsumerClient, partition: string, startPosition: EventPosition, options: ReadOptions): Promise<ReceivedBatch> {
  return new Promise<ReceivedBatch>((resolve, reject) => {
    let settled = false;
    let subscription: Subscription | undefined;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      options.signal?.removeEventListener('abort', onAbort);
      void (subscription?.close() ?? Promise.resolve()).catch(() => undefined).then(outcome);
    };
    const onAbort = () => finish(() => resolve([]));
    // A receiver that cannot attach is retried by the SDK; past this, the read gives up.
    const deadline = setTimeout(
      () => finish(() => reject(new ConnectorError('unreachable', 'Event Hubs did not answer the read in time'))),
      options.waitMs + 60_000,
    );
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    subscription = client.subscribe(
      partition,
      {
        processEvents: async (events, context) => {
          const batch = events as ReceivedBatch;
          const last = context.lastEnqueuedEventProperties;
          if (last)
            batch.lastEnqueued = {
              ...(last.sequenceNumber !== undefined ? { sequenceNumber: last.sequenceNumber } : {}),
              ...(last.enqueuedOn ? { enqueuedOn: last.enqueuedOn } : {}),
            };
          finish(() => resolve(batch));
        },
        processError: async (error) => {
          const failure = eventHubsFailure(error);
          // Lost connections are the SDK's to retry; a refusal or a missing entity will not get better.
          if (failure.failure !== 'transient' && failure.failure !== 'unreachable') finish(() => reject(failure));
        },
      },
      {
        startPosition,
        maxBatchSize: Math.max(1, options.maxRecords),
        maxWaitTimeInSeconds: Math.max(0.05, options.waitMs / 1000),
        prefetchCount: Math.max(1, options.maxRecords),
        skipParsingBodyAsJson: true,
        trackLastEnqueuedEventProperties: true,
      },
    );
  });
}

/** The event's payload as it was sent: the bytes of a data section, or the JSON of any other body. */
function bytesOf(event: ReceivedEventData): Buffer {
  const body: unknown = event.body;
  if (Buffer.isBuffer(body)) return body;
  if (body instanceof Uint8Array) return Buffer.from(body);
  if (typeof body === 'string') return Buffer.from(body);
  return Buffer.from(JSON.stringify(body ?? null));
}
