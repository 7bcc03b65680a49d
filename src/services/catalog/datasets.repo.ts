import type { Queryable } from '../../store/db.js';
import type { Scope } from '../scope.js';
import { type FieldMap, type ListQuery, SqlParams, orderClause, paging, propertyConditions } from './list-query.js';
import type { DatasetInput, DatasetPatch } from './dataset-input.js';
import type { DatasetRecord, LastBatches } from './types.js';

/** SQL ↔ Catalog JSON for datasets, in one place. */

interface DatasetRow {
  id: string;
  org_id: string;
  sandbox_id: string;
  name: string;
  description: string | null;
  schema_ref: DatasetRecord['schemaRef'];
  tags: Record<string, unknown>;
  table_name: string;
  file_description: Record<string, unknown> | null;
  extra: { enableErrorDiagnostics?: boolean; observableSchema?: Record<string, unknown> };
  view_id: string;
  created_client: string;
  created_user: string;
  updated_user: string;
  last_batch_id: string | null;
  last_batch_status: string | null;
  last_successful_batch: string | null;
  last_failed_batch: string | null;
  created_at: Date;
  updated_at: Date;
}

const ms = (d: Date | string) => new Date(d).getTime();

function toRecord(row: DatasetRow): DatasetRecord {
  return {
    id: row.id,
    name: row.name,
    ...(row.description !== null ? { description: row.description } : {}),
    version: '1.0.0',
    imsOrg: row.org_id,
    sandboxId: row.sandbox_id,
    created: ms(row.created_at),
    updated: ms(row.updated_at),
    createdClient: row.created_client,
    createdUser: row.created_user,
    updatedUser: row.updated_user,
    viewId: row.view_id,
    schemaRef: row.schema_ref,
    // The table name is fixed at creation; a PATCH of the tag does not rename the table.
    tags: { ...row.tags, 'adobe/pqs/table': [row.table_name] },
    ...(row.file_description ? { fileDescription: row.file_description } : {}),
    ...row.extra,
    files: `@/dataSetFiles?dataSetId=${row.id}`,
    ...(row.last_batch_id
      ? { lastBatchId: row.last_batch_id, ...(row.last_batch_status !== null ? { lastBatchStatus: row.last_batch_status } : {}) }
      : {}),
    ...(row.last_successful_batch ? { lastSuccessfulBatch: row.last_successful_batch } : {}),
    ...(row.last_failed_batch ? { lastFailedBatch: row.last_failed_batch } : {}),
  };
}

export const DATASET_FIELDS: FieldMap = {
  id: { column: 'id', kind: 'text' },
  name: { column: 'name', kind: 'text' },
  description: { column: 'description', kind: 'text' },
  created: { column: 'created_at', kind: 'time' },
  updated: { column: 'updated_at', kind: 'time' },
  createdClient: { column: 'created_client', kind: 'text' },
  createdUser: { column: 'created_user', kind: 'text' },
  viewId: { column: 'view_id', kind: 'text' },
  'schemaRef.id': { column: 'schema_id', kind: 'text' },
  lastBatchId: { column: 'last_batch_id', kind: 'text' },
  lastBatchStatus: { column: 'last_batch_status', kind: 'text' },
};

/** The table names of a sandbox that start with `prefix` (the candidates a new name could clash with). */
export async function tableNamesLike(db: Queryable, scope: Scope, prefix: string): Promise<Set<string>> {
  const rows = await db.query<{ table_name: string }>(
    'select table_name from datasets where org_id = $1 and sandbox_id = $2 and left(table_name, length($3)) = $3',
    [scope.orgId, scope.sandboxId, prefix],
  );
  return new Set(rows.map((r) => r.table_name));
}

/** Inserts a dataset; a `table_name` already taken in the sandbox fails with PostgreSQL's unique violation (23505). */
export async function insertDataset(
  db: Queryable,
  scope: Scope,
  ids: { id: string; viewId: string; tableName: string },
  input: DatasetInput,
): Promise<void> {
  const extra = {
    ...(input.enableErrorDiagnostics !== undefined ? { enableErrorDiagnostics: input.enableErrorDiagnostics } : {}),
    ...(input.observableSchema !== undefined ? { observableSchema: input.observableSchema } : {}),
  };
  const user = `${scope.clientId}@AdobeID`;
  await db.query(
    `insert into datasets (id, org_id, sandbox_id, name, description, schema_ref, schema_id, tags, file_description, extra,
       view_id, created_client, created_user, updated_user, table_name)
     values ($1, $2, $3, $4, $5, $6::jsonb, $7, $8::jsonb, $9::jsonb, $10::jsonb, $11, $12, $13, $13, $14)`,
    [
      ids.id,
      scope.orgId,
      scope.sandboxId,
      input.name,
      input.description ?? null,
      JSON.stringify(input.schemaRef),
      input.schemaRef.id,
      JSON.stringify(input.tags),
      input.fileDescription ? JSON.stringify(input.fileDescription) : null,
      JSON.stringify(extra),
      ids.viewId,
      scope.clientId,
      user,
      ids.tableName,
    ],
  );
}

export async function findDataset(db: Queryable, scope: Scope, id: string): Promise<DatasetRecord | null> {
  const rows = await db.query<DatasetRow>('select * from datasets where id = $1 and org_id = $2 and sandbox_id = $3', [
    id,
    scope.orgId,
    scope.sandboxId,
  ]);
  return rows[0] ? toRecord(rows[0]) : null;
}

/** Direct filters Catalog accepts as plain query parameters on `GET /dataSets`. */
export interface DatasetFilters extends ListQuery {
  name?: string;
  schemaRefId?: string;
}

export async function selectDatasets(db: Queryable, scope: Scope, query: DatasetFilters): Promise<DatasetRecord[]> {
  const params = new SqlParams();
  const where = [`org_id = ${params.add(scope.orgId)}`, `sandbox_id = ${params.add(scope.sandboxId)}`];
  if (query.name !== undefined) where.push(`name = ${params.add(query.name)}`);
  if (query.schemaRefId !== undefined) where.push(`schema_id = ${params.add(query.schemaRefId)}`);
  where.push(...propertyConditions(query.property, DATASET_FIELDS, params));
  const { limit, start } = paging(query);
  const order = orderClause(query.orderBy, DATASET_FIELDS, 'created_at desc', 'id');
  const rows = await db.query<DatasetRow>(
    `select * from datasets where ${where.join(' and ')} order by ${order} limit ${params.add(limit)} offset ${params.add(start)}`,
    params.values,
  );
  return rows.map(toRecord);
}

export async function deleteDatasetRow(db: Queryable, scope: Scope, id: string): Promise<boolean> {
  const rows = await db.query('delete from datasets where id = $1 and org_id = $2 and sandbox_id = $3 returning id', [
    id,
    scope.orgId,
    scope.sandboxId,
  ]);
  return rows.length > 0;
}

/** Keeps the dataset's lastBatch* fields in step with its batches. */
export async function noteBatchOutcome(db: Queryable, datasetId: string, batchId: string, status: 'success' | 'failed'): Promise<void> {
  await db.query(
    `update datasets set last_batch_id = $2, last_batch_status = $3,
       last_successful_batch = case when $3 = 'success' then $2 else last_successful_batch end,
       last_failed_batch = case when $3 = 'failed' then $2 else last_failed_batch end
     where id = $1`,
    [datasetId, batchId, status],
  );
}

/** Applies a checked PATCH: fields given replace the stored ones; tags merge key by key (null removes a key). */
export async function updateDataset(db: Queryable, scope: Scope, id: string, patch: DatasetPatch, current: DatasetRecord): Promise<void> {
  const tags = { ...current.tags };
  for (const [key, value] of Object.entries(patch.tags ?? {})) {
    if (value === null) delete tags[key];
    else tags[key] = value;
  }
  const extra: Record<string, unknown> = {
    ...(current.enableErrorDiagnostics !== undefined ? { enableErrorDiagnostics: current.enableErrorDiagnostics } : {}),
    ...(current.observableSchema !== undefined ? { observableSchema: current.observableSchema } : {}),
    ...(patch.enableErrorDiagnostics !== undefined ? { enableErrorDiagnostics: patch.enableErrorDiagnostics } : {}),
    ...(patch.observableSchema !== undefined ? { observableSchema: patch.observableSchema } : {}),
  };
  const schemaRef = patch.schemaRef ?? current.schemaRef;
  await db.query(
    `update datasets set name = $4, description = $5, schema_ref = $6::jsonb, schema_id = $7, tags = $8::jsonb,
       file_description = $9::jsonb, extra = $10::jsonb, updated_user = $11, updated_at = now()
     where id = $1 and org_id = $2 and sandbox_id = $3`,
    [
      id,
      scope.orgId,
      scope.sandboxId,
      patch.name ?? current.name,
      patch.description !== undefined ? patch.description : (current.description ?? null),
      JSON.stringify(schemaRef),
      schemaRef.id,
      JSON.stringify(tags),
      JSON.stringify(patch.fileDescription ?? current.fileDescription ?? null),
      JSON.stringify(extra),
      `${scope.clientId}@AdobeID`,
    ],
  );
}

/** `GET /lastBatches`: the last batch fields of every dataset of the scope that has batches, keyed by dataset id. */
export async function selectLastBatches(db: Queryable, scope: Scope, datasetIds?: string[]): Promise<Record<string, LastBatches>> {
  const rows = await db.query<DatasetRow>(
    `select * from datasets where org_id = $1 and sandbox_id = $2 and last_batch_id is not null
       and ($3::text[] is null or id = any($3::text[])) order by created_at desc, id`,
    [scope.orgId, scope.sandboxId, datasetIds ?? null],
  );
  const out: Record<string, LastBatches> = {};
  for (const row of rows) {
    out[row.id] = {
      ...(row.last_batch_id ? { lastBatchId: row.last_batch_id } : {}),
      ...(row.last_batch_status ? { lastBatchStatus: row.last_batch_status } : {}),
      ...(row.last_successful_batch ? { lastSuccessfulBatchId: row.last_successful_batch } : {}),
      ...(row.last_failed_batch ? { lastFailedBatchId: row.last_failed_batch } : {}),
      imsOrg: row.org_id,
      created: ms(row.created_at),
      updated: ms(row.updated_at),
    };
  }
  return out;
}
