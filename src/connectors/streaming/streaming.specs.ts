import type { StreamingSource } from '../sdk.js';
import { ADOBE_PROVIDER_ID, sourcePermissions } from '../files/spec-parts.js';

const JSON_SCHEMA = 'http://json-schema.org/draft-07/schema#';

/** AEP's fixed ids of its two streaming cloud sources (the tutorial's appendix). */
export const KINESIS_SPEC_ID = '86043421-563b-46ec-8e6c-e23184711bf6';
export const EVENT_HUBS_SPEC_ID = 'bf9f5905-92b7-48bf-bf20-455bc6b60a4e';

const streamSourceSpec = (properties: Record<string, unknown>, required: string[]) => ({
  name: 'Stream',
  type: 'Stream',
  spec: { $schema: JSON_SCHEMA, type: 'object', properties, required },
});

export const kinesis: StreamingSource = {
  kind: 'streaming',
  secretParams: ['secretKey'],
  spec: {
    id: KINESIS_SPEC_ID,
    name: 'kinesis',
    providerId: '521eee4d-8cbe-4906-bb48-fb6bd4450033',
    version: '1.0',
    attributes: { category: 'Streaming', isSource: true, uiAttributes: { label: 'Amazon Kinesis', isPreview: false } },
    authSpec: [
      {
        name: 'Aws Kinesis authentication credentials',
        type: 'KeyBased',
        spec: {
          $schema: JSON_SCHEMA,
          type: 'object',
          description: 'Defines auth params required for connecting to Amazon Kinesis.',
          properties: {
            accessKeyId: { title: 'Access key id', type: 'string', description: 'Access key id of the account.' },
            secretKey: { title: 'Secret access key', type: 'string', description: 'Secret access key of the account.', format: 'password' },
            region: { title: 'Region', type: 'string', description: 'Region of the streams.' },
            // Tributary's addition: a Kinesis-compatible server (kinesalite, LocalStack) instead of AWS's regional endpoint.
            endpoint: { title: 'Endpoint', type: 'string', description: 'URL of a Kinesis-compatible server; AWS when absent.' },
          },
          required: ['accessKeyId', 'secretKey', 'region'],
        },
      },
    ],
    sourceSpec: streamSourceSpec(
      {
        stream: { type: 'string', description: 'Name of the stream to read.' },
        dataType: { type: 'string', enum: ['raw', 'xdm'], default: 'raw' },
        reset: { type: 'string', enum: ['latest', 'earliest'], default: 'latest' },
      },
      ['stream'],
    ),
    permissionsInfo: sourcePermissions(),
  },
};

export const eventHubs: StreamingSource = {
  kind: 'streaming',
  secretParams: ['sasKey'],
  spec: {
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
          description: 'Defines auth params required for connecting to an Event Hubs namespace.',
          properties: {
            sasKeyName: { title: 'Policy name', type: 'string', description: 'Name of the shared access policy.' },
            sasKey: { title: 'Policy key', type: 'string', description: 'Key of the shared access policy.', format: 'password' },
            namespace: { title: 'Namespace', type: 'string', description: 'Event Hubs namespace.' },
            eventHubName: { title: 'Event hub', type: 'string', description: 'Event hub, for a policy scoped to one hub.' },
          },
          required: ['sasKeyName', 'sasKey', 'namespace'],
        },
      },
    ],
    sourceSpec: streamSourceSpec(
      {
        eventHubName: { title: 'Event hub', type: 'string' },
        dataType: { type: 'string', enum: ['raw', 'xdm'], default: 'raw' },
        reset: { type: 'string', enum: ['latest', 'earliest'], default: 'earliest' },
        consumerGroup: { type: 'string', default: '$Default' },
      },
      ['eventHubName'],
    ),
    permissionsInfo: sourcePermissions(),
  },
};

/** The streaming sources as specs alone (Flow Service lists and stores them); `connectors/index.ts` gives those that read. */
export function streamingSources(): StreamingSource[] {
  return [kinesis, eventHubs];
}
