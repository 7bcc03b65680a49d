import type { Scope } from '../scope.js';
import type { Queryable } from '../../store/db.js';
import type { BatchStaging, LakeFile } from '../../lake/lake.js';
import type { FilePreview } from '../../pipeline/preview.js';
import type { FieldMapping, IngestRequest, IngestResult, RowError, SourceFile, SourceFormat, TargetSchema } from '../../pipeline/contracts.js';

/** What Flow Service needs from the other services, and nothing more. */

export interface CatalogPort {
  getDataset(scope: Scope, id: string): Promise<{ id: string; schemaRef?: { id: string; contentType?: string }; tags?: Record<string, unknown> }>;
  beginBatch(
    scope: Scope,
    input: {
      datasetId: string;
      inputFormat?: Record<string, unknown>;
      tags?: Record<string, unknown>;
      relatedObjects?: Array<{ type: string; id: string }>;
    },
  ): Promise<{ batchId: string; staging: BatchStaging }>;
  finishBatch(
    scope: Scope,
    batchId: string,
    staging: BatchStaging,
    outcome: {
      recordCount: number;
      failedRecordCount: number;
      inputFiles: Array<{ path: string; size: number; records: number; failed: number }>;
      rowErrors: RowError[];
      errors?: Array<{ code: string; description: string }>;
      partialIngestionPercent?: number;
      failedFiles?: Array<{ path: string; failedRecordCount: number }>;
    },
    onSuccess?: (tx: Queryable) => Promise<void>,
  ): Promise<{ status: 'success' | 'failed'; files: LakeFile[]; errors: Array<{ code: string; description: string }> }>;
  failBatch(
    scope: Scope,
    batchId: string,
    staging: BatchStaging | null,
    errors: Array<{ code: string; description: string }>,
    rowErrors?: RowError[],
  ): Promise<void>;
  /** Adds related objects to a batch, inside the caller's transaction (a micro-batch learns its window run as it commits). */
  relateBatch(tx: Queryable, batchId: string, objects: Array<{ type: string; id: string }>): Promise<void>;
}

export interface DataPrepPort {
  getMappings(scope: Scope, id: string, version?: number): Promise<{ id: string; version: number; xdmSchema: string; mappings: FieldMapping[] }>;
}

export interface SchemaRegistryPort {
  targetSchema(scope: Scope, schemaId: string): Promise<TargetSchema>;
}

export interface PipelinePort {
  ingest(request: IngestRequest): Promise<IngestResult>;
  previewFile(file: SourceFile, format: SourceFormat, limit?: number): Promise<FilePreview>;
}
