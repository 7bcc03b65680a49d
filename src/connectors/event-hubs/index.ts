import type { StreamingSource } from '../sdk.js';
import { eventHubsSpec } from './event-hubs.spec.js';
import { parseEventHubsSettings } from './event-hubs-settings.js';
import { EventHubsStream } from './event-hubs-stream.js';

export { EventHubsStream } from './event-hubs-stream.js';
export { parseEventHubsSettings, type EventHubsSettings } from './event-hubs-settings.js';

/**
 * Azure Event Hubs, read with `@azure/event-hubs`. `open` takes the connection's auth params, with the source
 * params (`consumerGroup`, `eventHubName`, as `sourceParams` names them) merged over them by the stream runner.
 */
export const eventHubs: StreamingSource = {
  kind: 'streaming',
  secretParams: ['sasKey'],
  spec: eventHubsSpec,
  sourceParams: ['eventHubName', 'consumerGroup'],
  validateParams: (params) => void parseEventHubsSettings(params),
  open: (params, context) => new EventHubsStream(parseEventHubsSettings(params), context?.egress),
};
