export {
  BatchIngestionService,
  type BatchIngestionDeps,
  type BatchIngestionLimits,
  type ImportJob,
  type ImportBatchView,
  type UploadStatus,
} from './batch-ingestion.service.js';
