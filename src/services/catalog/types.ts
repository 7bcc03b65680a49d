import type { RowError } from '../../pipeline/contracts.js';

/**
 * Batch states used here (a subset of Catalog's enum). Flow runs: `loading` → `processing` → `success` | `failed`.
 * Imports: `loading` (uploads) → COMPLETE → `processing` → `success` | `failed`; ABORT → `aborted`; FAIL → `failed`;
 * REVERT (or a successful replay) → `inactive`, whose files are gone from the lake.
 */
export type BatchStatus = 'loading' | 'processing' | 'success' | 'failed' | 'aborted' | 'inactive' | 'deleted';

/** A batch-level error as Catalog shows it. */
export interface BatchError {
  code: string;
  description: string;
  rows?: string[];
}

export interface SchemaRef {
  id: string;
  contentType: string;
}

/** A dataset as Catalog's `GET /dataSets/{id}` shows it (the id is also the key of the response). */
export interface DatasetRecord {
  id: string;
  name: string;
  description?: string;
  version: string;
  imsOrg: string;
  sandboxId: string;
  created: number;
  updated: number;
  createdClient: string;
  createdUser: string;
  updatedUser: string;
  viewId: string;
  schemaRef: SchemaRef;
  tags: Record<string, unknown>;
  fileDescription?: Record<string, unknown>;
  enableErrorDiagnostics?: boolean;
  observableSchema?: Record<string, unknown>;
  files: string;
  lastBatchId?: string;
  lastBatchStatus?: string;
  lastSuccessfulBatch?: string;
  lastFailedBatch?: string;
}

/** A batch as Catalog's `GET /batches/{id}` shows it. */
export interface BatchRecord {
  id: string;
  imsOrg: string;
  sandboxId: string;
  /** The dataset the batch lands in (also in `relatedObjects`). */
  datasetId: string;
  status: BatchStatus;
  created: number;
  updated: number;
  started?: number;
  completed?: number;
  createdClient: string;
  createdUser: string;
  updatedUser: string;
  externalId?: string;
  recordCount?: number;
  failedRecordCount?: number;
  size?: number;
  errors: BatchError[];
  relatedObjects: Array<{ type: string; id: string; [key: string]: unknown }>;
  metrics: Record<string, unknown>;
  tags: Record<string, unknown>;
  inputFormat?: Record<string, unknown>;
  replay?: { predecessors: string[]; reason?: string };
  /**
   * Tributary's own field (AEP's batch has none like it): the snapshot of the dataset's Iceberg table this batch
   * became when it landed.
   */
  icebergSnapshotId?: number;
  version: string;
}

/** A batch the Batch Ingestion API opens: it stays `loading` while files are uploaded. */
export interface ImportBatchInput {
  datasetId: string;
  inputFormat: Record<string, unknown>;
  tags?: Record<string, unknown>;
  externalId?: string;
  replay?: { predecessors: string[]; reason?: string };
}

/** What `GET /lastBatches` shows per dataset. */
export interface LastBatches {
  lastBatchId?: string;
  lastBatchStatus?: string;
  lastSuccessfulBatchId?: string;
  lastFailedBatchId?: string;
  imsOrg: string;
  created: number;
  updated: number;
}

export interface BeginBatchInput {
  datasetId: string;
  inputFormat?: Record<string, unknown>;
  tags?: Record<string, unknown>;
  relatedObjects?: Array<{ type: string; id: string }>;
}

export interface InputFileOutcome {
  path: string;
  size: number;
  records: number;
  failed: number;
}

export interface BatchOutcome {
  /** Records written into the staging area (they land when the batch succeeds). */
  recordCount: number;
  failedRecordCount: number;
  inputFiles: InputFileOutcome[];
  rowErrors: RowError[];
  errors?: Array<{ code: string; description: string }>;
  /**
   * Partial ingestion: the share of failed records (0–100) a batch may have and still land. Unset keeps the
   * flow-run rule (the batch lands unless every record failed).
   */
  partialIngestionPercent?: number;
  /** The files that failed whole: they count against the partial ingestion threshold as failed input. */
  failedFiles?: Array<{ path: string; failedRecordCount: number }>;
}

/** One stored row error, in the order the pipeline reported it. */
export type StoredRowError = RowError;

/** Catalog's view of a committed batch's files: one dataSetFile per batch, made of the batch's Parquet files. */
export interface DataSetFile {
  dataSetFileId: string;
  dataSetId: string;
  batchId: string;
  created: number;
  updated: number;
  records: number;
  size: number;
  isValid: boolean;
}
