import { isDeepStrictEqual } from 'node:util';
import { type BatchRecord, checkSystemTags } from '../catalog/index.js';
import { invalid } from '../errors.js';
import type { BatchAction } from './batch-ingestion.service.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A `POST /catalog/batches` body (Catalog's `batchRequest`) in the import API's terms: `status` is required and
 * a batch starts `loading`, as one opened with `POST /import/batches` does; the dataset is the `dataSet` entry of
 * `relatedObjects`; `inputFormat` defaults to JSON.
 */
export function readCatalogBatch(body: unknown): Record<string, unknown> {
  if (!isObject(body))
    throw invalid('the request body must be a JSON object: {"status": "loading", "relatedObjects": [{"type": "dataSet", "id": "…"}]}');
  const status = typeof body.status === 'string' ? body.status.toLowerCase() : undefined;
  if (status === undefined) throw invalid('"status" is required; a new batch is "loading"');
  if (status !== 'loading')
    throw invalid(`a new batch starts "loading", not ${JSON.stringify(body.status)}; change its status once its files are uploaded`);
  const related = Array.isArray(body.relatedObjects) ? body.relatedObjects : [];
  const dataSets = related.filter((r): r is Record<string, unknown> => isObject(r) && String(r.type).toLowerCase() === 'dataset');
  if (dataSets.length !== 1 || typeof dataSets[0]!.id !== 'string' || dataSets[0]!.id === '')
    throw invalid('"relatedObjects" must name the batch\'s dataset once: [{"type": "dataSet", "id": "<dataset id>"}]');
  const known = ['recordCount', 'failedRecordCount', 'size', 'started', 'completed', 'errors', 'metrics', 'availableDates'];
  const computed = known.filter((key) => body[key] !== undefined);
  if (computed.length > 0) throw invalid(`these fields are managed by Catalog and cannot be set: ${computed.join(', ')}`);
  return {
    datasetId: dataSets[0]!.id,
    inputFormat: body.inputFormat ?? { format: 'json' },
    ...(body.externalId !== undefined ? { externalId: body.externalId } : {}),
    ...(body.replay !== undefined ? { replay: body.replay } : {}),
    ...(body.tags !== undefined ? { tags: body.tags } : {}),
  };
}

/** What a `PUT|PATCH /catalog/batches/{id}` asks for: a change of status (as an import API action) and of tags. */
export interface CatalogBatchChange {
  action?: BatchAction;
  tags?: Record<string, unknown>;
}

/**
 * The status a client may write, as the import API's action that reaches it. `success` and its synonyms
 * complete a `loading` batch (it then goes through `processing` as COMPLETE does: Catalog does not take a
 * client's word that the data is good); `aborted` aborts, `failed` fails, `inactive` reverts.
 */
const STATUS_ACTIONS: Record<string, BatchAction> = {
  success: 'COMPLETE',
  active: 'COMPLETE',
  staged: 'COMPLETE',
  loaded: 'COMPLETE',
  processing: 'COMPLETE',
  staging: 'COMPLETE',
  aborted: 'ABORT',
  failed: 'FAIL',
  failure: 'FAIL',
  inactive: 'REVERT',
};

/** The same status under another of its names: nothing to do. */
const SAME: Record<string, string> = { active: 'success', failure: 'failed' };

/** Fields only Catalog writes; a body may repeat their current value (a GET sent back), never change it. */
const MANAGED: Array<keyof BatchRecord> = [
  'id',
  'imsOrg',
  'sandboxId',
  'created',
  'updated',
  'started',
  'completed',
  'createdClient',
  'createdUser',
  'updatedUser',
  'externalId',
  'recordCount',
  'failedRecordCount',
  'size',
  'errors',
  'relatedObjects',
  'metrics',
  'inputFormat',
  'replay',
  'version',
];

export function readCatalogBatchChange(body: unknown, current: BatchRecord, mode: 'put' | 'patch'): CatalogBatchChange {
  if (!isObject(body) || Object.keys(body).length === 0) throw invalid('the request body must be a JSON object with the fields to change');
  // A client sends back what it read, in whatever key order its JSON library keeps: compare values, not texts.
  const changed = MANAGED.filter((key) => body[key] !== undefined && !isDeepStrictEqual(body[key], JSON.parse(JSON.stringify(current[key] ?? null))));
  if (changed.length > 0) throw invalid(`these fields are managed by Catalog and cannot be changed: ${changed.join(', ')}`);
  const change: CatalogBatchChange = {};
  if (body.status !== undefined) {
    const status = typeof body.status === 'string' ? body.status.toLowerCase() : '';
    const action = STATUS_ACTIONS[status];
    if (!action && status !== current.status) throw invalid(`status ${JSON.stringify(body.status)} cannot be set by a client`);
    if (action && (SAME[status] ?? status) !== current.status) change.action = action;
  } else if (mode === 'put') {
    throw invalid('"status" is required');
  }
  if (body.tags !== undefined) {
    if (!isObject(body.tags)) throw invalid('"tags" must be an object of arrays of strings');
    for (const [key, value] of Object.entries(body.tags)) {
      if ((value !== null || mode === 'put') && (!Array.isArray(value) || value.some((v) => typeof v !== 'string')))
        throw invalid(`tag "${key}" must be an array of strings${mode === 'patch' ? ', or null to remove it' : ''}`);
    }
    checkSystemTags(body.tags);
    change.tags = body.tags;
  } else if (mode === 'put') {
    change.tags = {};
  }
  return change;
}
