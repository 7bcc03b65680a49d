/**
 * The ingestion pipeline: source files → records → mapped XDM rows → validated → Parquet.
 * Stages live in their own folders (source/, read/, mapping/, schema/, write/) so each can be
 * replaced (a vectorised mapper, more formats) without touching the others.
 */
export type * from './contracts.js';
export { ingest } from './ingest.js';
export { previewFile, type FilePreview } from './preview.js';
export { RowCode, FileCode, FileFailure, FILE_CODES, fileFailureKind, printable, type FileFailureKind } from './errors.js';
export { schemaHasPath } from './schema/has-path.js';
export { previewMapping, type MappingPreview } from './preview-mapping.js';
export { FUNCTION_DEFS, type FunctionDef, type FunctionParam } from './mapping/expression/functions/index.js';
export { checkExpression } from './mapping/expression/evaluate.js';
export {
  partialIngestionPercent,
  judgePartialIngestion,
  PARTIAL_INGESTION_TAG,
  PARTIAL_INGESTION_EXCEEDED,
  type PartialIngestionVerdict,
} from './partial-ingestion.js';
export { readFirstRecord } from './read/first-record.js';
export { schemaColumns } from './write/duck-types.js';
