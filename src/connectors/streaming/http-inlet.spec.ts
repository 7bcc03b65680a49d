import type { ConnectionSpec } from '../sdk.js';
import { sourcePermissions } from '../files/spec-parts.js';

const JSON_SCHEMA = 'http://json-schema.org/draft-07/schema#';

/** AEP's fixed id of the HTTP API streaming connection (streaming ingestion's inlet). */
export const HTTP_INLET_SPEC_ID = 'bc7b00d6-623a-4dfc-9fdb-f1240aeadaeb';

export const httpInletSpec: ConnectionSpec = {
  id: HTTP_INLET_SPEC_ID,
  name: 'http',
  providerId: '521eee4d-8cbe-4906-bb48-fb6bd4450033',
  version: '1.0',
  attributes: { category: 'Streaming', isSource: true, uiAttributes: { label: 'HTTP API', isPreview: false } },
  authSpec: [
    {
      name: 'Streaming Connection',
      type: 'Streaming Connection',
      spec: {
        $schema: JSON_SCHEMA,
        type: 'object',
        description: 'An HTTP API inlet: records are posted to its collection URL.',
        properties: {
          sourceId: { type: 'string', description: 'An id of the source that sends the records, for your own reference.' },
          dataType: { type: 'string', enum: ['xdm', 'raw'], default: 'xdm', description: 'XDM envelopes or raw JSON.' },
          name: { type: 'string', description: 'A name of the inlet.' },
          authenticationRequired: {
            type: 'boolean',
            default: false,
            description: 'Whether posts to the inlet need an access token (Authorization: Bearer) of the connection’s org.',
          },
        },
      },
    },
  ],
  // A post answered 200 is durable and is read by the inlet's flow: a flow starts at the oldest record the inlet
  // holds (what was posted before it was created, and not yet pruned), not at whatever arrives after its first read.
  sourceSpec: {
    name: 'Stream',
    type: 'Stream',
    spec: {
      $schema: JSON_SCHEMA,
      type: 'object',
      description: "The inlet is its connection's only stream: a source connection names none.",
      properties: {
        dataType: { type: 'string', enum: ['raw', 'xdm'], default: 'raw' },
        reset: { type: 'string', enum: ['latest', 'earliest'], default: 'earliest' },
      },
    },
  },
  permissionsInfo: sourcePermissions(),
};
