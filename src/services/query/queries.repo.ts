import type { Queryable } from '../../store/db.js';
import type { Scope } from '../scope.js';
import type { ResultIndex } from './result-store.js';
import type { Truncation } from './sandboxed-sql.js';

/** SQL for Query Service queries. */

export type QueryState = 'SUBMITTED' | 'IN_PROGRESS' | 'SUCCESS' | 'FAILED' | 'KILLED';

export interface QueryRow {
  id: string;
  org_id: string;
  sandbox_id: string;
  client_id: string;
  name: string | null;
  description: string | null;
  db_name: string | null;
  sql: string;
  state: QueryState;
  errors: Array<{ code: string; message: string }>;
  row_count: string | number | null;
  truncated: boolean;
  truncated_by: Truncation;
  columns: Array<{ name: string; type: string }> | null;
  /** Results kept in the database before they moved to files. */
  rows: Array<Record<string, unknown>> | null;
  result_index: ResultIndex | null;
  result_bytes: string | number | null;
  referenced: Array<{ id: string }>;
  created_at: Date;
  updated_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
  template_id: string | null;
  schedule_id: string | null;
  schedule_run_id: string | null;
  insert_into: { target: string; datasetId?: string; batchId?: string | null } | null;
}

export async function insertQuery(
  db: Queryable,
  scope: Scope,
  query: {
    id: string;
    sql: string;
    name?: string;
    description?: string;
    dbName?: string;
    templateId?: string;
    insertInto?: { target: string };
    origin?: { scheduleId: string; runId: string };
  },
): Promise<void> {
  await db.query(
    `insert into queries (id, org_id, sandbox_id, client_id, name, description, db_name, sql, state, template_id, insert_into, schedule_id, schedule_run_id)
     values ($1, $2, $3, $4, $5, $6, $7, $8, 'SUBMITTED', $9, $10::jsonb, $11, $12)`,
    [
      query.id,
      scope.orgId,
      scope.sandboxId,
      scope.clientId,
      query.name ?? null,
      query.description ?? null,
      query.dbName ?? null,
      query.sql,
      query.templateId ?? null,
      query.insertInto ? JSON.stringify(query.insertInto) : null,
      query.origin?.scheduleId ?? null,
      query.origin?.runId ?? null,
    ],
  );
}

/** Records where an INSERT INTO's rows landed (the dataset, and the batch unless the query gave no row). */
export async function noteInsert(db: Queryable, id: string, insert: { target: string; datasetId: string; batchId: string | null }): Promise<void> {
  await db.query('update queries set insert_into = $2::jsonb where id = $1', [id, JSON.stringify(insert)]);
}

export async function findQuery(db: Queryable, scope: Scope, id: string): Promise<QueryRow | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const rows = await db.query<QueryRow>('select * from queries where id = $1 and org_id = $2 and sandbox_id = $3', [
    id,
    scope.orgId,
    scope.sandboxId,
  ]);
  return rows[0] ?? null;
}

/** Queries without their result rows, newest first (or as `orderby` says), from an offset. */
export async function selectQueries(
  db: Queryable,
  scope: Scope,
  page: { limit: number; start: number; orderBy: 'created_at' | 'updated_at'; descending: boolean },
): Promise<QueryRow[]> {
  return db.query<QueryRow>(
    `select id, org_id, sandbox_id, client_id, name, description, db_name, sql, state, errors, row_count, truncated, truncated_by,
       referenced, created_at, updated_at, started_at, completed_at, null as columns, null as rows, null as result_index, result_bytes,
       template_id, schedule_id, schedule_run_id, insert_into
     from queries where org_id = $1 and sandbox_id = $2
     order by ${page.orderBy} ${page.descending ? 'desc' : 'asc'}, id limit $3 offset $4`,
    [scope.orgId, scope.sandboxId, page.limit, page.start],
  );
}

export async function markRunning(db: Queryable, id: string, referenced: Array<{ id: string }>): Promise<boolean> {
  const rows = await db.query(
    `update queries set state = 'IN_PROGRESS', started_at = now(), updated_at = now(), referenced = $2::jsonb
     where id = $1 and state = 'SUBMITTED' returning id`,
    [id, JSON.stringify(referenced)],
  );
  return rows.length > 0;
}

export async function markDone(
  db: Queryable,
  id: string,
  outcome:
    | {
        state: 'SUCCESS';
        columns: Array<{ name: string; type: string }>;
        rowCount: number;
        bytes: number;
        truncated: Truncation;
        index: ResultIndex;
      }
    | { state: 'FAILED' | 'KILLED'; errors: Array<{ code: string; message: string }> },
): Promise<boolean> {
  if (outcome.state === 'SUCCESS') {
    const rows = await db.query(
      `update queries set state = 'SUCCESS', columns = $2::jsonb, result_index = $3::jsonb, row_count = $4, result_bytes = $5,
         truncated = $6, truncated_by = $7, completed_at = now(), updated_at = now()
       where id = $1 and state in ('SUBMITTED', 'IN_PROGRESS') returning id`,
      [
        id,
        JSON.stringify(outcome.columns),
        JSON.stringify(outcome.index),
        outcome.rowCount,
        outcome.bytes,
        outcome.truncated !== null,
        outcome.truncated,
      ],
    );
    return rows.length > 0;
  }
  const rows = await db.query(
    `update queries set state = $2, errors = $3::jsonb, completed_at = now(), updated_at = now()
     where id = $1 and state in ('SUBMITTED', 'IN_PROGRESS') returning id`,
    [id, outcome.state, JSON.stringify(outcome.errors)],
  );
  return rows.length > 0;
}

/** Deletes a sandbox's queries; returns their ids (their result files go too). */
export async function deleteSandboxQueries(db: Queryable, scope: Scope): Promise<string[]> {
  const rows = await db.query<{ id: string }>('delete from queries where org_id = $1 and sandbox_id = $2 returning id', [
    scope.orgId,
    scope.sandboxId,
  ]);
  return rows.map((r) => r.id);
}

/**
 * Queries left `SUBMITTED`/`IN_PROGRESS` by a process that died become `FAILED` with `error`, when they started (or were
 * submitted) at least `olderThanMs` ago; `except` are running here. Returns their ids.
 */
export async function failInterrupted(
  db: Queryable,
  olderThanMs: number,
  error: { code: string; message: string },
  except: string[] = [],
): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `update queries set state = 'FAILED', errors = $2::jsonb, completed_at = now(), updated_at = now()
     where state in ('SUBMITTED', 'IN_PROGRESS') and coalesce(started_at, created_at) <= now() - make_interval(secs => $1::float8 / 1000)
       and not (id::text = any($3::text[]))
     returning id`,
    [olderThanMs, JSON.stringify([error]), except],
  );
  return rows.map((r) => r.id);
}
