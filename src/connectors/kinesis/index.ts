import type { StreamingSource } from '../sdk.js';
import { kinesis as kinesisSpec } from '../streaming/streaming.specs.js';
import { kinesisClientConfig, validateKinesisParams } from './kinesis-settings.js';
import { KinesisStream } from './kinesis-stream.js';

export { KinesisStream } from './kinesis-stream.js';

/** Amazon Kinesis Data Streams as a streaming source: shards are its partitions, sequence numbers its checkpoints. */
export const kinesis: StreamingSource = {
  ...kinesisSpec,
  validateParams: validateKinesisParams,
  open(params, context) {
    return new KinesisStream(kinesisClientConfig(params, context?.egress));
  },
};
