/** Flow specs: which source and target specs a flow may join, and what its schedule and mapping look like. */

export const CLOUD_STORAGE_FLOW_SPEC_ID = '9753525b-82c7-4dce-8a9b-5ccfce2b9876';

export interface FlowSpec {
  id: string;
  name: string;
  providerId: string;
  version: string;
  sourceConnectionSpecIds: string[];
  targetConnectionSpecIds: string[];
  transformationSpecs: Array<{ name: string; spec: Record<string, unknown> }>;
  scheduleSpec: { name: string; type: string; spec: Record<string, unknown> };
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

/** The flow specs this platform runs; the file-source spec ids come from the installed connectors. */
export function flowSpecs(fileSourceSpecIds: string[], dataLakeSpecId: string): FlowSpec[] {
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
  ];
}
