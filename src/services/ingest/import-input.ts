import type { SourceFormat } from '../../pipeline/index.js';
import { ERROR_DIAGNOSTICS_TAG, PARTIAL_INGESTION_TAG, type ImportBatchInput } from '../catalog/index.js';
import { invalid } from '../errors.js';

/** The batch's input format as Catalog shows it (`inputFormat`), normalised to lower case. */
export interface InputFormat {
  format: 'json' | 'parquet' | 'csv';
  isMultiLineJson?: boolean;
  delimiter?: string;
  quote?: string;
  escape?: string;
  header?: string;
  charset?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const FORMATS = ['json', 'parquet', 'csv'];
const CHARSETS = ['UTF-8', 'ISO-8859-1', 'US-ASCII'];

/** `"true"`, `true`, `"false"`, `false` → boolean; anything else is refused. */
function flag(name: string, value: unknown): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw invalid(`"${name}" must be true or false`);
}

function oneChar(name: string, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length !== 1) throw invalid(`"${name}" must be a single character`);
  return value;
}

export function readInputFormat(raw: unknown): InputFormat {
  if (!isObject(raw)) throw invalid('"inputFormat" is required: {"format": "json" | "parquet" | "csv"}');
  const format = typeof raw.format === 'string' ? raw.format.toLowerCase() : '';
  if (!FORMATS.includes(format)) throw invalid(`inputFormat.format must be one of json, parquet, csv; got ${JSON.stringify(raw.format)}`);
  const multi = flag('inputFormat.isMultiLineJson', raw.isMultiLineJson);
  if (multi && format !== 'json') throw invalid('inputFormat.isMultiLineJson applies to the json format only');
  const charset = raw.charset === undefined ? undefined : String(raw.charset).toUpperCase();
  if (charset !== undefined && !CHARSETS.includes(charset)) throw invalid(`inputFormat.charset must be one of ${CHARSETS.join(', ')}`);
  const header = flag('inputFormat.header', raw.header);
  const out: InputFormat = { format: format as InputFormat['format'] };
  if (multi !== undefined) out.isMultiLineJson = multi;
  if (format === 'csv') {
    const delimiter = oneChar('inputFormat.delimiter', raw.delimiter);
    const quote = oneChar('inputFormat.quote', raw.quote);
    const escapeChar = oneChar('inputFormat.escape', raw.escape);
    if (delimiter) out.delimiter = delimiter;
    if (quote) out.quote = quote;
    if (escapeChar) out.escape = escapeChar;
    if (header !== undefined) out.header = String(header);
  }
  if (charset) out.charset = charset;
  return out;
}

/** The pipeline's reading of a batch's input format. */
export function sourceFormat(input: InputFormat): SourceFormat {
  if (input.format === 'parquet') return { format: 'parquet' };
  if (input.format === 'json') return { format: 'json', ...(input.isMultiLineJson ? { isMultiLineJson: true } : {}) };
  return {
    format: 'delimited',
    ...(input.delimiter ? { columnDelimiter: input.delimiter } : {}),
    ...(input.quote ? { quoteChar: input.quote } : {}),
    ...(input.escape ? { escapeChar: input.escape } : {}),
    ...(input.header !== undefined ? { header: input.header !== 'false' } : {}),
    ...(input.charset === 'ISO-8859-1' ? { encoding: 'ISO-8859-1' } : {}),
  };
}

/**
 * A `POST /batches` body: `{datasetId, inputFormat, externalId?, replay?, tags?, enableErrorDiagnostics?,
 * partialIngestionPercentage?}`. Partial ingestion and error diagnostics land as the batch's `acp_` tags.
 */
export function readImportBatch(body: unknown): ImportBatchInput {
  if (!isObject(body)) throw invalid('the request body must be a JSON object: {"datasetId": "…", "inputFormat": {"format": "json"}}');
  const { datasetId, inputFormat, externalId, replay, tags, enableErrorDiagnostics, partialIngestionPercentage } = body;
  if (typeof datasetId !== 'string' || datasetId === '') throw invalid('"datasetId" is required');
  if (externalId !== undefined && (typeof externalId !== 'string' || externalId === '' || externalId.length > 256)) {
    throw invalid('"externalId" must be a non-empty string of at most 256 characters');
  }
  const batchTags: Record<string, unknown> = {};
  if (tags !== undefined) {
    if (!isObject(tags)) throw invalid('"tags" must be an object of arrays of strings');
    for (const [key, value] of Object.entries(tags)) {
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw invalid(`tag "${key}" must be an array of strings`);
      batchTags[key] = value;
    }
  }
  const diagnostics = flag('enableErrorDiagnostics', enableErrorDiagnostics);
  if (diagnostics !== undefined) batchTags[ERROR_DIAGNOSTICS_TAG] = [String(diagnostics)];
  if (partialIngestionPercentage !== undefined && partialIngestionPercentage !== null) {
    const percent = Number(partialIngestionPercentage);
    if (!Number.isFinite(percent) || percent < 0 || percent > 100) throw invalid('"partialIngestionPercentage" must be a number from 0 to 100');
    batchTags[PARTIAL_INGESTION_TAG] = [String(percent)];
  }
  let replayInput: ImportBatchInput['replay'];
  if (replay !== undefined && replay !== null) {
    if (
      !isObject(replay) ||
      !Array.isArray(replay.predecessors) ||
      replay.predecessors.length === 0 ||
      replay.predecessors.some((p) => typeof p !== 'string')
    ) {
      throw invalid('"replay" must be {"predecessors": ["<batchId>", …], "reason": "…"}');
    }
    replayInput = {
      predecessors: [...new Set(replay.predecessors as string[])],
      ...(typeof replay.reason === 'string' ? { reason: replay.reason } : {}),
    };
  }
  return {
    datasetId,
    inputFormat: readInputFormat(inputFormat) as unknown as Record<string, unknown>,
    tags: batchTags,
    ...(typeof externalId === 'string' ? { externalId } : {}),
    ...(replayInput ? { replay: replayInput } : {}),
  };
}
