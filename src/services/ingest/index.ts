export {
  BatchIngestionService,
  type BatchIngestionDeps,
  type BatchIngestionLimits,
  IMPORT_QUEUE,
  type ImportJob,
  type ImportJobs,
  type ImportBatchView,
  type UploadStatus,
} from './batch-ingestion.service.js';
