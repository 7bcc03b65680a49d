import type { Queryable } from '../../store/db.js';
import type { LakeFile } from '../../lake/lake.js';
import type { RowError } from '../../pipeline/contracts.js';
import type { Scope } from '../scope.js';
import { type FieldMap, type ListQuery, SqlParams, orderClause, paging, propertyConditions } from './list-query.js';
import type { BatchError, BatchRecord, BatchStatus, InputFileOutcome } from './types.js';

/** SQL ↔ Catalog JSON for batches and what hangs off them (files, input files, row errors). */

interface BatchRow {
  id: string;
  org_id: string;
  sandbox_id: string;
  dataset_id: string;
  status: BatchStatus;
  external_id: string | null;
  input_format: Record<string, unknown> | null;
  tags: Record<string, unknown>;
  related_objects: BatchRecord['relatedObjects'];
  errors: BatchError[];
  origin: string;
  replay: BatchRecord['replay'] | null;
  metrics: Record<string, unknown>;
  record_count: number | null;
  failed_record_count: number | null;
  size: number | null;
  created_client: string;
  created_user: string;
  created_at: Date;
  updated_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
  iceberg_snapshot_id: string | number | null;
}

const ms = (d: Date | string) => new Date(d).getTime();
const num = (v: number | string) => Number(v);

function toRecord(row: BatchRow): BatchRecord {
  return {
    id: row.id,
    imsOrg: row.org_id,
    sandboxId: row.sandbox_id,
    datasetId: row.dataset_id,
    status: row.status,
    created: ms(row.created_at),
    updated: ms(row.updated_at),
    ...(row.started_at ? { started: ms(row.started_at) } : {}),
    ...(row.completed_at ? { completed: ms(row.completed_at) } : {}),
    createdClient: row.created_client,
    createdUser: row.created_user,
    updatedUser: row.created_user,
    ...(row.external_id ? { externalId: row.external_id } : {}),
    ...(row.record_count !== null ? { recordCount: num(row.record_count) } : {}),
    ...(row.failed_record_count !== null ? { failedRecordCount: num(row.failed_record_count) } : {}),
    ...(row.size !== null ? { size: num(row.size) } : {}),
    errors: row.errors,
    relatedObjects: row.related_objects,
    metrics: row.metrics,
    tags: row.tags,
    ...(row.input_format ? { inputFormat: row.input_format } : {}),
    ...(row.replay ? { replay: row.replay } : {}),
    ...(row.iceberg_snapshot_id !== null && row.iceberg_snapshot_id !== undefined ? { icebergSnapshotId: num(row.iceberg_snapshot_id) } : {}),
    version: '1.0.0',
  };
}

export const BATCH_FIELDS: FieldMap = {
  id: { column: 'id', kind: 'text' },
  status: { column: 'status', kind: 'text' },
  dataSet: { column: 'dataset_id', kind: 'text' },
  externalId: { column: 'external_id', kind: 'text' },
  createdClient: { column: 'created_client', kind: 'text' },
  createdUser: { column: 'created_user', kind: 'text' },
  created: { column: 'created_at', kind: 'time' },
  updated: { column: 'updated_at', kind: 'time' },
  started: { column: 'started_at', kind: 'time' },
  completed: { column: 'completed_at', kind: 'time' },
  recordCount: { column: 'record_count', kind: 'number' },
  failedRecordCount: { column: 'failed_record_count', kind: 'number' },
  size: { column: 'size', kind: 'number' },
  // `property=relatedObjects.id==<flow run id>`: the micro-batches of a streaming flow's run, say.
  'relatedObjects.id': { column: 'related_objects', kind: 'memberIds' },
};

export const IN_FLIGHT: BatchStatus[] = ['loading', 'processing'];

export async function insertBatch(
  db: Queryable,
  scope: Scope,
  batch: Pick<BatchRecord, 'id' | 'datasetId' | 'relatedObjects' | 'tags' | 'inputFormat' | 'externalId' | 'replay'> & {
    origin?: 'internal' | 'import';
  },
): Promise<void> {
  await db.query(
    `insert into batches (id, org_id, sandbox_id, dataset_id, status, input_format, tags, related_objects, created_client, created_user,
       origin, external_id, replay)
     values ($1, $2, $3, $4, 'loading', $5::jsonb, $6::jsonb, $7::jsonb, $8, $9, $10, $11, $12::jsonb)`,
    [
      batch.id,
      scope.orgId,
      scope.sandboxId,
      batch.datasetId,
      batch.inputFormat ? JSON.stringify(batch.inputFormat) : null,
      JSON.stringify(batch.tags),
      JSON.stringify(batch.relatedObjects),
      scope.clientId,
      `${scope.clientId}@AdobeID`,
      batch.origin ?? 'internal',
      batch.externalId ?? null,
      batch.replay ? JSON.stringify(batch.replay) : null,
    ],
  );
}

/** The origin of a batch ('internal' for flow runs, 'import' for the Batch Ingestion API). */
export async function batchOrigin(db: Queryable, id: string): Promise<string | null> {
  const rows = await db.query<{ origin: string }>('select origin from batches where id = $1', [id]);
  return rows[0]?.origin ?? null;
}

/** Moves a batch from one state to another only if it is still in `from`; false when another request got there first. */
export async function transition(
  db: Queryable,
  id: string,
  from: BatchStatus[],
  to: BatchStatus,
  fields: { errors?: BatchError[]; started?: boolean; completed?: boolean } = {},
): Promise<boolean> {
  const rows = await db.query(
    `update batches set status = $2, updated_at = now(),
       started_at = case when $4 then now() else started_at end,
       completed_at = case when $5 then now() else completed_at end,
       errors = coalesce($6::jsonb, errors)
     where id = $1 and status = any($3::text[]) returning id`,
    [id, to, from, fields.started ?? false, fields.completed ?? false, fields.errors ? JSON.stringify(fields.errors) : null],
  );
  return rows.length > 0;
}

/** Links a batch to the Iceberg snapshot it became (in the transaction that lands it). */
export async function setSnapshot(tx: Queryable, batchId: string, snapshotId: number): Promise<void> {
  await tx.query('update batches set iceberg_snapshot_id = $2 where id = $1', [batchId, snapshotId]);
}

export async function findBatch(db: Queryable, scope: Scope, id: string): Promise<BatchRecord | null> {
  const rows = await db.query<BatchRow>('select * from batches where id = $1 and org_id = $2 and sandbox_id = $3', [
    id,
    scope.orgId,
    scope.sandboxId,
  ]);
  return rows[0] ? toRecord(rows[0]) : null;
}

/** Direct filters Catalog accepts as plain query parameters on `GET /batches`. */
export interface BatchFilters extends ListQuery {
  dataSet?: string;
  status?: string;
  batch?: string;
  externalId?: string;
  createdAfter?: string | number;
  createdBefore?: string | number;
  startAfter?: string | number;
  startBefore?: string | number;
  endAfter?: string | number;
  endBefore?: string | number;
}

export async function selectBatches(db: Queryable, scope: Scope, query: BatchFilters): Promise<BatchRecord[]> {
  const params = new SqlParams();
  const where = [`org_id = ${params.add(scope.orgId)}`, `sandbox_id = ${params.add(scope.sandboxId)}`];
  const equal: Array<[keyof BatchFilters, string]> = [
    ['dataSet', 'dataset_id'],
    ['status', 'status'],
    ['batch', 'id'],
    ['externalId', 'external_id'],
  ];
  for (const [key, column] of equal) {
    const value = query[key];
    if (typeof value === 'string' && value !== '') {
      // Catalog lets these take a comma-separated list of values.
      const values = value.split(',').map((v) => v.trim());
      where.push(`${column} = any(${params.add(values)}::text[])`);
    }
  }
  // Time windows are `property` filters in disguise: `createdAfter=X` is `created>X`.
  const ranges: Array<[keyof BatchFilters, string]> = [
    ['createdAfter', 'created>'],
    ['createdBefore', 'created<'],
    ['startAfter', 'started>'],
    ['startBefore', 'started<'],
    ['endAfter', 'completed>'],
    ['endBefore', 'completed<'],
  ];
  const windows = ranges.filter(([key]) => query[key] !== undefined && query[key] !== '').map(([key, filter]) => `${filter}${query[key]}`);
  where.push(...propertyConditions(windows, BATCH_FIELDS, params));
  where.push(...propertyConditions(query.property, BATCH_FIELDS, params));
  const { limit, start } = paging(query);
  const order = orderClause(query.orderBy, BATCH_FIELDS, 'created_at desc', 'id');
  const rows = await db.query<BatchRow>(
    `select * from batches where ${where.join(' and ')} order by ${order} limit ${params.add(limit)} offset ${params.add(start)}`,
    params.values,
  );
  return rows.map(toRecord);
}

export async function setProcessing(db: Queryable, id: string): Promise<void> {
  await db.query(`update batches set status = 'processing', started_at = now(), updated_at = now() where id = $1`, [id]);
}

/**
 * Moves an in-flight batch to its final state. Returns false when the batch was no longer in flight
 * (a recovery or a concurrent failure got there first), so the caller can undo its side of the work.
 */
export async function finalise(
  db: Queryable,
  id: string,
  fields: {
    status: 'success' | 'failed';
    recordCount: number;
    failedRecordCount: number;
    size: number;
    errors: BatchError[];
    metrics: Record<string, unknown>;
  },
): Promise<boolean> {
  const rows = await db.query(
    `update batches set status = $2, record_count = $3, failed_record_count = $4, size = $5, errors = $6::jsonb,
       metrics = metrics || $7::jsonb, completed_at = now(), updated_at = now()
     where id = $1 and status = any($8::text[]) returning id`,
    [
      id,
      fields.status,
      fields.recordCount,
      fields.failedRecordCount,
      fields.size,
      JSON.stringify(fields.errors),
      JSON.stringify(fields.metrics),
      IN_FLIGHT,
    ],
  );
  return rows.length > 0;
}

export async function addRelatedObjects(db: Queryable, id: string, objects: Array<{ type: string; id: string }>): Promise<void> {
  await db.query(`update batches set related_objects = related_objects || $2::jsonb, updated_at = now() where id = $1`, [
    id,
    JSON.stringify(objects),
  ]);
}

export async function touch(db: Queryable, id: string): Promise<void> {
  await db.query('update batches set updated_at = now() where id = $1', [id]);
}

export async function insertFiles(db: Queryable, batchId: string, files: LakeFile[]): Promise<void> {
  if (files.length === 0) return;
  await db.query(
    `insert into batch_files (batch_id, name, size)
     select $1, f.name, f.size from jsonb_to_recordset($2::jsonb) as f(name text, size bigint)`,
    [batchId, JSON.stringify(files)],
  );
}

export async function insertInputFiles(db: Queryable, batchId: string, files: InputFileOutcome[]): Promise<void> {
  if (files.length === 0) return;
  await db.query(
    `insert into batch_input_files (batch_id, seq, path, size, records, failed)
     select $1, f.seq, f.path, f.size, f.records, f.failed
     from jsonb_to_recordset($2::jsonb) as f(seq integer, path text, size bigint, records bigint, failed bigint)`,
    [batchId, JSON.stringify(files.map((f, seq) => ({ ...f, seq })))],
  );
}

/** Statements stay small (a few hundred KB of parameters) however many row errors a batch keeps. */
const ROW_ERROR_CHUNK = 2500;

/**
 * Row errors go in as one array per column, spread by unnest: cheaper for the database than a JSON
 * document to parse (a run with 10,000 row errors commits with them).
 */
export async function insertRowErrors(db: Queryable, batchId: string, rowErrors: RowError[]): Promise<void> {
  for (let offset = 0; offset < rowErrors.length; offset += ROW_ERROR_CHUNK) {
    const chunk = rowErrors.slice(offset, offset + ROW_ERROR_CHUNK);
    await db.query(
      `insert into batch_row_errors (batch_id, seq, file, row_number, code, message, field)
       select $1, e.seq, e.file, e.row, e.code, e.message, e.field
       from unnest($2::integer[], $3::text[], $4::bigint[], $5::text[], $6::text[], $7::text[]) as e(seq, file, "row", code, message, field)`,
      [
        batchId,
        chunk.map((_, i) => offset + i),
        chunk.map((e) => e.file),
        chunk.map((e) => e.row),
        chunk.map((e) => e.code),
        chunk.map((e) => e.message),
        chunk.map((e) => e.field ?? null),
      ],
    );
  }
}

export async function selectFiles(db: Queryable, batchId: string): Promise<LakeFile[]> {
  const rows = await db.query<{ name: string; size: number | string }>('select name, size from batch_files where batch_id = $1 order by name', [
    batchId,
  ]);
  return rows.map((r) => ({ name: r.name, size: Number(r.size) }));
}

export async function selectInputFiles(db: Queryable, batchId: string): Promise<InputFileOutcome[]> {
  const rows = await db.query<{ path: string; size: string | number; records: string | number; failed: string | number }>(
    'select path, size, records, failed from batch_input_files where batch_id = $1 order by seq',
    [batchId],
  );
  return rows.map((r) => ({ path: r.path, size: Number(r.size), records: Number(r.records), failed: Number(r.failed) }));
}

export async function selectRowErrors(db: Queryable, batchId: string, page: { start: number; limit: number }): Promise<RowError[]> {
  const rows = await db.query<{ file: string; row_number: string | number; code: string; message: string; field: string | null }>(
    'select file, row_number, code, message, field from batch_row_errors where batch_id = $1 order by seq offset $2 limit $3',
    [batchId, page.start, page.limit],
  );
  return rows.map((r) => ({
    file: r.file,
    row: Number(r.row_number),
    code: r.code,
    message: r.message,
    ...(r.field !== null ? { field: r.field } : {}),
  }));
}

export async function countRowErrors(db: Queryable, batchId: string): Promise<number> {
  const rows = await db.query<{ n: number | string }>('select count(*)::integer as n from batch_row_errors where batch_id = $1', [batchId]);
  return Number(rows[0]?.n ?? 0);
}

/** Batches a dead process may have left in flight, across every org (start-up recovery). */
export async function selectStale(
  db: Queryable,
  olderThanMs: number,
  origin?: 'internal' | 'import',
): Promise<Array<{ id: string; org_id: string; sandbox_id: string; dataset_id: string }>> {
  return db.query(
    // An import batch waiting in 'loading' for its uploads is not abandoned: its client may come back at any time.
    `select id, org_id, sandbox_id, dataset_id from batches
     where status = any($1::text[]) and not (origin = 'import' and status = 'loading')
       and updated_at <= now() - make_interval(secs => $2::float8 / 1000)
       and ($3::text is null or origin = $3)`,
    [IN_FLIGHT, olderThanMs, origin ?? null],
  );
}

/** The success batches of a dataset (oldest first), for readers of the whole dataset. */
export async function selectSuccessfulBatchIds(db: Queryable, scope: Scope, datasetId: string): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `select id from batches where org_id = $1 and sandbox_id = $2 and dataset_id = $3 and status = 'success' order by created_at, id`,
    [scope.orgId, scope.sandboxId, datasetId],
  );
  return rows.map((r) => r.id);
}
