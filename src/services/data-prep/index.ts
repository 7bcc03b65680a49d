export { DataPrepService, type DataPrepOptions, type MappingSetList, type MappingVerdict, type SchemaLookup } from './data-prep.service.js';
export { listFunctions, OPERATORS, validateExpression } from './language.js';
export { renderCreated, renderMapping, renderMappingSet } from './representation.js';
export type { MappingSetRecord, StoredMapping } from './types.js';
export { purgeDataPrepSandbox } from './sandbox-purge.js';
