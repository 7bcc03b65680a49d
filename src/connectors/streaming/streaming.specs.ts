import type { StreamingSource } from '../sdk.js';
import { sourcePermissions } from '../files/spec-parts.js';
import { eventHubs } from '../event-hubs/index.js';

export { EVENT_HUBS_SPEC_ID } from '../event-hubs/event-hubs.spec.js';
export { eventHubs };

const JSON_SCHEMA = 'http://json-schema.org/draft-07/schema#';

/** AEP's fixed id of the Kinesis source (the tutorial's appendix); Event Hubs' is beside its connector. */
export const KINESIS_SPEC_ID = '86043421-563b-46ec-8e6c-e23184711bf6';

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

/** The streaming sources of the connectors as Flow Service lists them; `connectors/index.ts` gives those that read. */
export function streamingSources(): StreamingSource[] {
  return [kinesis, eventHubs];
}
