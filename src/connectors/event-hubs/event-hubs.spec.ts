import type { ConnectionSpec } from '../sdk.js';
import { ADOBE_PROVIDER_ID, sourcePermissions } from '../files/spec-parts.js';

const JSON_SCHEMA = 'http://json-schema.org/draft-07/schema#';

/** AEP's fixed id of the Azure Event Hubs source (the tutorial's appendix). */
export const EVENT_HUBS_SPEC_ID = 'bf9f5905-92b7-48bf-bf20-455bc6b60a4e';

const common = {
  sasKeyName: { title: 'Policy name', type: 'string', description: 'Name of the shared access policy.' },
  sasKey: { title: 'Policy key', type: 'string', description: 'Key of the shared access policy.', format: 'password' },
  namespace: { title: 'Namespace', type: 'string', description: 'Event Hubs namespace (its name, or its host name).' },
  // Tributary's additions, for an emulator or a proxy that stands in for the namespace.
  endpoint: { title: 'Endpoint', type: 'string', description: 'An AMQP endpoint (sb://host:port) to connect to instead of the namespace.' },
  useDevelopmentEmulator: {
    title: 'Development emulator',
    type: 'boolean',
    description: 'Plain AMQP without TLS to the endpoint, as the Event Hubs emulator speaks it.',
  },
};

export const eventHubsSpec: ConnectionSpec = {
  id: EVENT_HUBS_SPEC_ID,
  name: 'eventhub',
  providerId: ADOBE_PROVIDER_ID,
  version: '1.0',
  attributes: { category: 'Streaming', isSource: true, uiAttributes: { label: 'Azure Event Hubs', isPreview: false } },
  authSpec: [
    {
      name: 'Azure EventHub authentication credentials',
      type: 'KeyBased',
      spec: {
        $schema: JSON_SCHEMA,
        type: 'object',
        description: 'Defines auth params required for connecting to an Event Hubs namespace with a policy of the namespace.',
        properties: { ...common, eventHubName: { title: 'Event hub', type: 'string', description: 'Event hub, for a policy scoped to one hub.' } },
        required: ['sasKeyName', 'sasKey', 'namespace'],
      },
    },
    {
      name: 'Azure EventHub SAS authentication credentials',
      type: 'KeyBased',
      spec: {
        $schema: JSON_SCHEMA,
        type: 'object',
        description: 'Defines auth params required for connecting to one event hub with a policy scoped to that hub.',
        properties: { ...common, eventHubName: { title: 'Event hub', type: 'string', description: 'The event hub the policy is scoped to.' } },
        required: ['sasKeyName', 'sasKey', 'namespace', 'eventHubName'],
      },
    },
  ],
  sourceSpec: {
    name: 'Stream',
    type: 'Stream',
    spec: {
      $schema: JSON_SCHEMA,
      type: 'object',
      properties: {
        eventHubName: { title: 'Event hub', type: 'string' },
        dataType: { type: 'string', enum: ['raw', 'xdm'], default: 'raw' },
        reset: { type: 'string', enum: ['latest', 'earliest'], default: 'earliest' },
        consumerGroup: { type: 'string', default: '$Default' },
      },
      required: ['eventHubName'],
    },
  },
  permissionsInfo: sourcePermissions(),
};
