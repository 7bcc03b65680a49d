import type { Message } from 'rhea';

/** One event as a partition keeps it: the message as published, and the annotations the service stamps on it. */
export interface StoredEvent {
  sequenceNumber: number;
  /** A byte position in the partition, as the service's classic offsets are; a decimal string on the wire. */
  offset: string;
  enqueuedTime: Date;
  partitionKey?: string;
  message: Message;
}

/** The append-only log of one partition. */
export class PartitionLog {
  readonly events: StoredEvent[] = [];
  private nextOffset = 0;
  private readonly listeners = new Set<() => void>();

  constructor(readonly id: string) {}

  append(message: Message, partitionKey: string | undefined, now = new Date()): StoredEvent {
    // Enqueued times never go backwards within a partition, whatever the clock does.
    const last = this.events.at(-1);
    const enqueuedTime = last && last.enqueuedTime.getTime() > now.getTime() ? last.enqueuedTime : now;
    const event: StoredEvent = {
      sequenceNumber: this.events.length,
      offset: String(this.nextOffset),
      enqueuedTime,
      ...(partitionKey !== undefined ? { partitionKey } : {}),
      message,
    };
    this.nextOffset += 64 + Buffer.byteLength(JSON.stringify(message.body ?? null));
    this.events.push(event);
    for (const listener of this.listeners) listener();
    return event;
  }

  /** Calls back on every append, until the returned function is called. */
  onAppend(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  properties(hub: string) {
    const last = this.events.at(-1);
    return {
      name: hub,
      partition: this.id,
      begin_sequence_number: this.events[0]?.sequenceNumber ?? 0,
      last_enqueued_sequence_number: last?.sequenceNumber ?? -1,
      last_enqueued_offset: last?.offset ?? '-1',
      last_enqueued_time_utc: last?.enqueuedTime ?? new Date(0),
      is_partition_empty: last === undefined,
    };
  }
}

export interface HubConfig {
  name: string;
  partitionCount: number;
  /** Beside `$Default`, which every hub has. */
  consumerGroups?: string[];
}

export class Hub {
  readonly partitions: PartitionLog[];
  readonly consumerGroups: Set<string>;
  readonly createdAt = new Date();
  private roundRobin = 0;

  constructor(readonly config: HubConfig) {
    this.partitions = Array.from({ length: config.partitionCount }, (_, i) => new PartitionLog(String(i)));
    this.consumerGroups = new Set(['$default', ...(config.consumerGroups ?? []).map((g) => g.toLowerCase())]);
  }

  partition(id: string): PartitionLog | undefined {
    return this.partitions.find((p) => p.id === id);
  }

  /** The partition for an event sent to the hub: by its partition key's hash, else in turn. */
  route(partitionKey: string | undefined): PartitionLog {
    let index: number;
    if (partitionKey === undefined) index = this.roundRobin++ % this.partitions.length;
    else {
      let hash = 0;
      for (const char of partitionKey) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
      index = hash % this.partitions.length;
    }
    return this.partitions[index] as PartitionLog;
  }

  properties() {
    return {
      name: this.config.name,
      created_at: this.createdAt,
      partition_count: this.partitions.length,
      partition_ids: this.partitions.map((p) => p.id),
    };
  }
}
