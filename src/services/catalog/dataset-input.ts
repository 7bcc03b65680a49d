import { invalid } from '../errors.js';
import type { SchemaRef } from './types.js';

/** A dataset create request, checked: what `POST /dataSets` may set. */
export interface DatasetInput {
  name: string;
  description?: string;
  schemaRef: SchemaRef;
  tags: Record<string, unknown>;
  fileDescription?: Record<string, unknown>;
  enableErrorDiagnostics?: boolean;
  observableSchema?: Record<string, unknown>;
}

const DEFAULT_CONTENT_TYPE = 'application/vnd.adobe.xed+json;version=1';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads a `POST /dataSets` body; unknown fields are ignored, as Catalog does with fields it manages itself. */
export function readDatasetInput(body: unknown): DatasetInput {
  if (!isObject(body)) throw invalid('the request body must be a JSON object describing the dataset');
  const { name, description, schemaRef, tags, fileDescription, enableErrorDiagnostics, observableSchema } = body;
  if (typeof name !== 'string' || name.trim() === '') throw invalid('"name" is required and must be a non-empty string');
  if (name.length > 512) throw invalid('"name" must be at most 512 characters');
  if (description !== undefined && description !== null && typeof description !== 'string') throw invalid('"description" must be a string');
  if (!isObject(schemaRef))
    throw invalid('"schemaRef" is required: {"id": "<schema $id>", "contentType": "application/vnd.adobe.xed+json;version=1"}');
  if (typeof schemaRef.id !== 'string' || schemaRef.id.trim() === '') throw invalid('"schemaRef.id" is required and must be the schema\'s $id');
  if (schemaRef.contentType !== undefined && typeof schemaRef.contentType !== 'string') throw invalid('"schemaRef.contentType" must be a string');
  if (tags !== undefined && !isObject(tags)) throw invalid('"tags" must be an object of arrays of strings');
  if (isObject(tags)) {
    for (const [key, value] of Object.entries(tags)) {
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw invalid(`tag "${key}" must be an array of strings`);
    }
  }
  if (isObject(tags)) checkSystemTags(tags);
  if (fileDescription !== undefined && !isObject(fileDescription)) throw invalid('"fileDescription" must be an object');
  if (enableErrorDiagnostics !== undefined && typeof enableErrorDiagnostics !== 'boolean')
    throw invalid('"enableErrorDiagnostics" must be a boolean');
  if (observableSchema !== undefined && !isObject(observableSchema)) throw invalid('"observableSchema" must be an object');
  return {
    name: name.trim(),
    ...(typeof description === 'string' ? { description } : {}),
    schemaRef: { id: schemaRef.id.trim(), contentType: (schemaRef.contentType as string | undefined) ?? DEFAULT_CONTENT_TYPE },
    tags: isObject(tags) ? tags : {},
    ...(fileDescription !== undefined ? { fileDescription } : {}),
    ...(enableErrorDiagnostics !== undefined ? { enableErrorDiagnostics } : {}),
    ...(observableSchema !== undefined ? { observableSchema } : {}),
  };
}

/**
 * AEP tags each dataset with the name of its Query Service table (`adobe/pqs/table`): the dataset name in
 * lower case with every other character turned into "_". Kept so SQL over the lake can use the same names.
 */
export function tableName(name: string): string {
  const base = name
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return /^[a-z_]/.test(base) ? base : `_${base}`;
}

/** A table name the creator asked for in the `adobe/pqs/table` tag (lower case, as Query Service names are), if any. */
export function requestedTableName(tag: unknown): string | null {
  const first: unknown = Array.isArray(tag) ? tag[0] : tag;
  if (typeof first !== 'string') return null;
  const name = first.trim().toLowerCase();
  return name === '' ? null : name;
}

/**
 * Table names are unique within a sandbox. As in AEP, a name already taken gets the first free numeric suffix:
 * `people`, then `people_1`, `people_2`, …
 */
export function freeTableName(wanted: string, taken: ReadonlySet<string>): string {
  if (!taken.has(wanted)) return wanted;
  for (let n = 1; ; n++) if (!taken.has(`${wanted}_${n}`)) return `${wanted}_${n}`;
}

import { PARTIAL_INGESTION_TAG } from '../../pipeline/partial-ingestion.js';

/** Partial ingestion: the share of records (0–100) a batch may fail and still land; the rule is the pipeline's. */
export { PARTIAL_INGESTION_TAG, partialIngestionPercent } from '../../pipeline/partial-ingestion.js';
/** Error diagnostics: keep row-level errors for the batch (Tributary always keeps them; the flag is stored and shown). */
export const ERROR_DIAGNOSTICS_TAG = 'acp_enableErrorDiagnostics';

/** The tags whose values mean something to Tributary must be readable. */
export function checkSystemTags(tags: Record<string, unknown>): void {
  const percent = tags[PARTIAL_INGESTION_TAG];
  if (percent !== undefined && percent !== null) {
    const value = Array.isArray(percent) ? percent[0] : undefined;
    const number = Number(value);
    if (!Array.isArray(percent) || percent.length !== 1 || value === '' || !Number.isFinite(number) || number < 0 || number > 100) {
      throw invalid(`tag "${PARTIAL_INGESTION_TAG}" takes one percentage from 0 to 100, e.g. ["5"]`);
    }
  }
  const diagnostics = tags[ERROR_DIAGNOSTICS_TAG];
  if (diagnostics !== undefined && diagnostics !== null && (!Array.isArray(diagnostics) || !['true', 'false'].includes(String(diagnostics[0])))) {
    throw invalid(`tag "${ERROR_DIAGNOSTICS_TAG}" takes ["true"] or ["false"]`);
  }
}

/** A `PATCH /dataSets/{id}` body, checked: the fields a client may change. A tag set to null is removed. */
export interface DatasetPatch {
  name?: string;
  description?: string | null;
  schemaRef?: SchemaRef;
  tags?: Record<string, unknown>;
  fileDescription?: Record<string, unknown>;
  enableErrorDiagnostics?: boolean;
  observableSchema?: Record<string, unknown>;
}

/** Catalog manages these; a PATCH naming them is refused rather than silently ignored. */
const READ_ONLY = [
  'id',
  'imsOrg',
  'sandboxId',
  'created',
  'updated',
  'createdClient',
  'createdUser',
  'updatedUser',
  'viewId',
  'files',
  'version',
  'lastBatchId',
  'lastBatchStatus',
  'lastSuccessfulBatch',
  'lastFailedBatch',
];

export function readDatasetPatch(body: unknown): DatasetPatch {
  if (!isObject(body) || Object.keys(body).length === 0) throw invalid('the request body must be a JSON object with the fields to change');
  const readOnly = Object.keys(body).filter((key) => READ_ONLY.includes(key));
  if (readOnly.length > 0) throw invalid(`these fields are managed by Catalog and cannot be changed: ${readOnly.join(', ')}`);
  const patch: DatasetPatch = {};
  const { name, description, schemaRef, tags, fileDescription, enableErrorDiagnostics, observableSchema } = body;
  if (name !== undefined) {
    if (typeof name !== 'string' || name.trim() === '' || name.length > 512)
      throw invalid('"name" must be a non-empty string of at most 512 characters');
    patch.name = name.trim();
  }
  if (description !== undefined) {
    if (description !== null && typeof description !== 'string') throw invalid('"description" must be a string');
    patch.description = description as string | null;
  }
  if (schemaRef !== undefined) {
    if (!isObject(schemaRef) || typeof schemaRef.id !== 'string' || schemaRef.id.trim() === '')
      throw invalid('"schemaRef.id" must be the schema\'s $id');
    patch.schemaRef = {
      id: schemaRef.id.trim(),
      contentType: typeof schemaRef.contentType === 'string' ? schemaRef.contentType : DEFAULT_CONTENT_TYPE,
    };
  }
  if (tags !== undefined) {
    if (!isObject(tags)) throw invalid('"tags" must be an object of arrays of strings');
    for (const [key, value] of Object.entries(tags)) {
      if (value !== null && (!Array.isArray(value) || value.some((v) => typeof v !== 'string')))
        throw invalid(`tag "${key}" must be an array of strings, or null to remove it`);
    }
    checkSystemTags(tags);
    patch.tags = tags;
  }
  if (fileDescription !== undefined) {
    if (!isObject(fileDescription)) throw invalid('"fileDescription" must be an object');
    patch.fileDescription = fileDescription;
  }
  if (enableErrorDiagnostics !== undefined) {
    if (typeof enableErrorDiagnostics !== 'boolean') throw invalid('"enableErrorDiagnostics" must be a boolean');
    patch.enableErrorDiagnostics = enableErrorDiagnostics;
  }
  if (observableSchema !== undefined) {
    if (!isObject(observableSchema)) throw invalid('"observableSchema" must be an object');
    patch.observableSchema = observableSchema;
  }
  return patch;
}
