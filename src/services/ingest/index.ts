export { BatchIngestionService, type BatchIngestionDeps, type BatchIngestionLimits, type ImportBatchView, type UploadStatus } from './batch-ingestion.service.js';
