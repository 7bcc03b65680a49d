export { CatalogService, BATCH_ERRORS, batchIdOfDataSetFile, dataSetFileId, type CatalogOptions } from './catalog.service.js';
export type { DatasetFilters } from './datasets.repo.js';
export { PARTIAL_INGESTION_TAG, ERROR_DIAGNOSTICS_TAG, checkSystemTags, partialIngestionPercent } from './dataset-input.js';
export type { BatchFilters } from './batches.repo.js';
export type {
  BatchError,
  BatchOutcome,
  BatchRecord,
  BatchStatus,
  BeginBatchInput,
  DataSetFile,
  DatasetRecord,
  ImportBatchInput,
  LastBatches,
  InputFileOutcome,
  SchemaRef,
} from './types.js';
export { purgeCatalogSandbox } from './sandbox-purge.js';
export {
  TableCompactor,
  COMPACT_QUEUE,
  DEFAULT_COMPACTION,
  type CompactJob,
  type CompactJobs,
  type CompactionOutcome,
  type CompactionSettings,
} from './compaction.js';
export {
  TABLE_EXPIRE_QUEUE,
  TableMaintenance,
  type MaintenanceOutcome,
  type TableMaintenanceJobs,
  type TableMaintenanceSettings,
} from './table-maintenance.js';
