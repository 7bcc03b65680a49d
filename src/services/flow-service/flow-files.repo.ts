import type { Queryable } from '../../store/db.js';
import type { FileFailureKind } from '../../pipeline/index.js';

/** The one module that reads and writes `flow_files`, each flow's manifest of the file versions it took. */

export interface ManifestRow {
  path: string;
  version_tag: string;
  status: 'ingested' | 'failed';
  run_id: string;
  batch_id: string | null;
  recorded_at: Date | string;
  reason_code: string | null;
  reason_message: string | null;
  /** Null for ingested versions, and for failures recorded before failures were classified (retried). */
  failure_kind: FileFailureKind | null;
  attempts: number;
  next_attempt_at: Date | string | null;
}

/** A file version a run took. */
export interface TakenFile {
  path: string;
  versionTag: string;
  size: number;
  modifiedAt: number | undefined;
}

/** How long a file that failed for a transient reason waits before a run takes it again: doubling from `baseSeconds`. */
export interface RetryBackoff {
  baseSeconds: number;
  maxSeconds: number;
}

export const DEFAULT_RETRY_BACKOFF: RetryBackoff = { baseSeconds: 60, maxSeconds: 6 * 3600 };

/**
 * Records that a run ingested a file version, in the transaction of its batch. A version is ingested by
 * one batch only: false when another already has it (a version that failed may be claimed again).
 */
export async function recordIngested(q: Queryable, flowId: string, file: TakenFile, runId: string, batchId: string): Promise<boolean> {
  const rows = await q.query(
    `insert into flow_files (flow_id, path, version_tag, size, modified_at, status, run_id, batch_id)
     values ($1, $2, $3, $4, $5, 'ingested', $6, $7)
     on conflict (flow_id, path, version_tag) do update
       set size = excluded.size, modified_at = excluded.modified_at, status = 'ingested', run_id = excluded.run_id,
           batch_id = excluded.batch_id, recorded_at = now(), reason_code = null, reason_message = null, failure_kind = null,
           attempts = flow_files.attempts + 1, next_attempt_at = null
       where flow_files.status = 'failed'
     returning path`,
    [flowId, file.path, file.versionTag, file.size, file.modifiedAt ? new Date(file.modifiedAt) : null, runId, batchId],
  );
  return rows.length > 0;
}

/**
 * Records that a file version failed whole, and why: a failure of its content is final for this version;
 * a transient one makes it eligible again after a delay that doubles with each failed attempt.
 */
export async function recordFailed(
  q: Queryable,
  flowId: string,
  file: TakenFile,
  runId: string,
  batchId: string | null,
  failure: { code: string; message: string; kind: FileFailureKind },
  backoff: RetryBackoff = DEFAULT_RETRY_BACKOFF,
): Promise<boolean> {
  const delay = (attempts: string) =>
    `case when $10::text = 'transient' then now() + make_interval(secs => least($11::float8, $12::float8 * power(2, ${attempts} - 1))) end`;
  const rows = await q.query(
    `insert into flow_files (flow_id, path, version_tag, size, modified_at, status, run_id, batch_id, reason_code, reason_message, failure_kind, attempts, next_attempt_at)
     values ($1, $2, $3, $4, $5, 'failed', $6, $7, $8, $9, $10::text, 1, ${delay('1')})
     on conflict (flow_id, path, version_tag) do update
       set size = excluded.size, modified_at = excluded.modified_at, run_id = excluded.run_id, batch_id = excluded.batch_id, recorded_at = now(),
           reason_code = excluded.reason_code, reason_message = excluded.reason_message, failure_kind = excluded.failure_kind,
           attempts = flow_files.attempts + 1, next_attempt_at = ${delay('(flow_files.attempts + 1)')}
       where flow_files.status = 'failed'
     returning path`,
    [
      flowId,
      file.path,
      file.versionTag,
      file.size,
      file.modifiedAt ? new Date(file.modifiedAt) : null,
      runId,
      batchId,
      failure.code,
      failure.message,
      failure.kind,
      backoff.maxSeconds,
      backoff.baseSeconds,
    ],
  );
  return rows.length > 0;
}
