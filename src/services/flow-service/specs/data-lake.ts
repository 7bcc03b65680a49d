import type { ConnectionSpec } from '../../../connectors/sdk.js';

/** The one target of cloud-storage flows: the platform's own data lake. Its id is fixed by AEP. */
export const DATA_LAKE_SPEC_ID = 'c604ff05-7f1a-43c0-8e18-33bf874cb11c';

export const dataLakeSpec: ConnectionSpec = {
  id: DATA_LAKE_SPEC_ID,
  name: 'Data Lake',
  providerId: '521eee4d-8cbe-4906-bb48-fb6bd4450033',
  version: '1.0',
  attributes: { category: 'Database', isSource: false, isDestination: true } as ConnectionSpec['attributes'],
  authSpec: [],
};

/** What a target connection to the lake must carry. */
export const dataLakeTargetParams = {
  type: 'object',
  required: ['dataSetId'],
  properties: { dataSetId: { type: 'string', minLength: 1 } },
} as const;
