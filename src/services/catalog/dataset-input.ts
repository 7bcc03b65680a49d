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
  if (!isObject(schemaRef)) throw invalid('"schemaRef" is required: {"id": "<schema $id>", "contentType": "application/vnd.adobe.xed+json;version=1"}');
  if (typeof schemaRef.id !== 'string' || schemaRef.id.trim() === '') throw invalid('"schemaRef.id" is required and must be the schema\'s $id');
  if (schemaRef.contentType !== undefined && typeof schemaRef.contentType !== 'string') throw invalid('"schemaRef.contentType" must be a string');
  if (tags !== undefined && !isObject(tags)) throw invalid('"tags" must be an object of arrays of strings');
  if (isObject(tags)) {
    for (const [key, value] of Object.entries(tags)) {
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw invalid(`tag "${key}" must be an array of strings`);
    }
  }
  if (fileDescription !== undefined && !isObject(fileDescription)) throw invalid('"fileDescription" must be an object');
  if (enableErrorDiagnostics !== undefined && typeof enableErrorDiagnostics !== 'boolean') throw invalid('"enableErrorDiagnostics" must be a boolean');
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
  const base = name.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '');
  return /^[a-z_]/.test(base) ? base : `_${base}`;
}
