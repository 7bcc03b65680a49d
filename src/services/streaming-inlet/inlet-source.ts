import {
  ConnectorError,
  type PartitionRead,
  type RecordStream,
  type StreamingSource,
  type ReadFrom,
  type ReadOptions,
} from '../../connectors/sdk.js';
import { httpInletSpec } from '../../connectors/streaming/http-inlet.spec.js';
import type { InletLog } from './inlet-log.js';

/** The inlet's one partition: its log is one ordered lane. */
export const INLET_PARTITION = '0';
const POLL_MS = 100;

/**
 * The HTTP API inlet as a streaming source: `open` takes the connection's params (its `inletId` among them) and
 * reads the records posted to it from the store, so the stream runner consumes it as it consumes Kinesis.
 * Checkpoints are the sequence of the last record read; `acknowledge` deletes what a committed checkpoint covers.
 */
export function httpInletSource(log: InletLog): StreamingSource {
  return {
    kind: 'streaming',
    spec: httpInletSpec,
    secretParams: [],
    // An inlet is its connection's only stream: a source connection of it names no stream.
    streamOf: (params) => (typeof params.inletId === 'string' && params.inletId !== '' ? params.inletId : undefined),
    open: (params) => {
      const inletId = params.inletId;
      if (typeof inletId !== 'string' || inletId === '') throw new ConnectorError('invalid_params', 'the connection has no inletId');
      return new InletRecordStream(log, inletId);
    },
  };
}

export class InletRecordStream implements RecordStream {
  constructor(
    private readonly log: InletLog,
    private readonly inletId: string,
  ) {}

  async check(): Promise<void> {
    await this.inlet();
  }

  async listStreams(): Promise<string[]> {
    return [this.inletId];
  }

  async partitions(stream: string): Promise<Array<{ id: string; parents: string[]; closed: boolean }>> {
    this.own(stream);
    await this.inlet();
    return [{ id: INLET_PARTITION, parents: [], closed: false }];
  }

  async read(stream: string, partition: string, from: ReadFrom, options: ReadOptions): Promise<PartitionRead> {
    this.own(stream, partition);
    const after = 'checkpoint' in from ? sequenceOf(from.checkpoint) : from.start === 'earliest' ? 0 : await this.log.lastSequence(this.inletId);
    const deadline = Date.now() + options.waitMs;
    for (;;) {
      const records = await this.log.after(this.inletId, after, Math.max(1, options.maxRecords));
      const last = records.at(-1);
      if (last || Date.now() >= deadline || options.signal?.aborted) {
        return {
          records: records.map((r) => ({ data: Buffer.from(r.payload), arrivedAt: r.receivedAt })),
          checkpoint: String(last?.sequence ?? after),
          drained: false,
          ...(last ? { lagMs: Math.max(0, Date.now() - last.receivedAt) } : { lagMs: 0 }),
        };
      }
      await sleep(Math.min(POLL_MS, deadline - Date.now()), options.signal);
    }
  }

  async acknowledge(stream: string, partition: string, checkpoint: string): Promise<void> {
    this.own(stream, partition);
    await this.log.prune(this.inletId, sequenceOf(checkpoint));
  }

  async close(): Promise<void> {}

  private async inlet() {
    const row = await this.log.find(this.inletId);
    if (!row) throw new ConnectorError('not_found', `The inlet ${this.inletId} does not exist`);
    return row;
  }

  private own(stream: string, partition = INLET_PARTITION): void {
    if (stream !== this.inletId) throw new ConnectorError('not_found', `This connection's only stream is its inlet ${this.inletId}`);
    if (partition !== INLET_PARTITION) throw new ConnectorError('not_found', `The inlet has one partition, ${INLET_PARTITION}`);
  }
}

function sequenceOf(checkpoint: string): number {
  const sequence = Number(checkpoint);
  if (!Number.isSafeInteger(sequence) || sequence < 0) throw new ConnectorError('invalid_params', `"${checkpoint}" is not an inlet checkpoint`);
  return sequence;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, Math.max(1, ms));
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
