/** Flow specs: which source and target specs a flow may join, and what its schedule and mapping look like. */

export const CLOUD_STORAGE_FLOW_SPEC_ID = '9753525b-82c7-4dce-8a9b-5ccfce2b9876';
/** AEP's flow spec for Kinesis, Event Hubs (and its other streaming sources): "Stream data with optional transformation". */
export const STREAMING_FLOW_SPEC_ID = 'd69717ba-71b4-4313-b654-49f9cf126d7a';

export interface FlowSpec {
  id: string;
  name: string;
  providerId: string;
  version: string;
  sourceConnectionSpecIds: string[];
  targetConnectionSpecIds: string[];
  transformationSpecs: Array<{ name: string; spec: Record<string, unknown> }>;
  /** Absent for streaming flows, which run continuously: they take no `scheduleParams`. */
  scheduleSpec?: { name: string; type: string; spec: Record<string, unknown> };
  attributes: Record<string, unknown>;
  permissionsInfo: Record<string, unknown>;
}

const scheduleSpec = {
  name: 'PeriodicSchedule',
  type: 'Periodic',
  spec: {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    properties: {
      startTime: { description: 'epoch time', type: 'integer' },
      endTime: { description: 'epoch time', type: 'integer' },
      interval: { type: 'integer' },
      frequency: { type: 'string', enum: ['once', 'minute', 'hour', 'day', 'week'] },
      backfill: { type: 'boolean', default: true },
    },
    required: ['frequency'],
    if: { properties: { frequency: { const: 'minute' } } },
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then/else, not a thenable.
    then: { properties: { interval: { minimum: 15 } } },
    else: { properties: { interval: { minimum: 1 } } },
  },
};

const mappingSpec = {
  name: 'Mapping',
  spec: {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    description: 'defines various params required for different mapping from source to target',
    properties: { mappingId: { type: 'string' }, mappingVersion: { type: 'string' } },
  },
};

/** True for a flow spec whose flows consume streams continuously rather than on a schedule. */
export const isStreamingFlowSpec = (spec: FlowSpec): boolean => spec.scheduleSpec === undefined;

/** The flow specs this platform runs; the source spec ids come from the installed connectors and streaming sources. */
export function flowSpecs(fileSourceSpecIds: string[], dataLakeSpecId: string, streamingSourceSpecIds: string[] = []): FlowSpec[] {
  return [
    {
      id: CLOUD_STORAGE_FLOW_SPEC_ID,
      name: 'CloudStorageToAEP',
      providerId: '0ed90a81-07f4-4586-8190-b40eccef1c5a',
      version: '1.0',
      sourceConnectionSpecIds: fileSourceSpecIds,
      targetConnectionSpecIds: [dataLakeSpecId],
      transformationSpecs: [mappingSpec],
      scheduleSpec,
      attributes: { isSourceFlow: true, flacValidationSupported: true, frequency: 'batch' },
      permissionsInfo: {
        view: [{ '@type': 'lowLevel', name: 'EnterpriseSource', permissions: ['read'] }],
        manage: [{ '@type': 'lowLevel', name: 'EnterpriseSource', permissions: ['write'] }],
      },
    },
    {
      id: STREAMING_FLOW_SPEC_ID,
      name: 'Stream data with optional transformation',
      providerId: '521eee4d-8cbe-4906-bb48-fb6bd4450033',
      version: '1.0',
      sourceConnectionSpecIds: streamingSourceSpecIds,
      targetConnectionSpecIds: [dataLakeSpecId],
      transformationSpecs: [mappingSpec],
      // Tributary records runs for streaming flows (one per hour of micro-batches), so it says it supports them.
      attributes: { isSourceFlow: true, frequency: 'streaming', uiAttributes: { apiFeatures: { flowRunsSupported: true } } },
      permissionsInfo: {
        view: [{ '@type': 'lowLevel', name: 'StreamingSource', permissions: ['read'] }],
        manage: [{ '@type': 'lowLevel', name: 'StreamingSource', permissions: ['write'] }],
      },
    },
  ];
}
