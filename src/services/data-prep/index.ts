export { DataPrepService, type DataPrepOptions, type MappingSetList, type SchemaLookup } from './data-prep.service.js';
export { renderCreated, renderMapping, renderMappingSet } from './representation.js';
export type { MappingSetRecord, StoredMapping } from './types.js';
export { purgeDataPrepSandbox } from './sandbox-purge.js';
