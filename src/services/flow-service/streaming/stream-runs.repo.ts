import { randomUUID } from 'node:crypto';
import type { Queryable } from '../../../store/db.js';

/** What one committed (or refused) micro-batch adds to its flow's run of the window. */
export interface MicroBatchCounts {
  input: number;
  output: number;
  failed: number;
  inputBytes: number;
  outputBytes: number;
  outputFiles: number;
  /** How far behind the stream's newest record the consumer was when it read the batch's last records. */
  lagMs: number | undefined;
}

interface Totals {
  input: number;
  output: number;
  failed: number;
  inputBytes: number;
  outputBytes: number;
  outputFiles: number;
  microBatches: number;
  startedAt: number;
}

interface RunMetrics {
  durationSummary: { startedAtUTC: number };
  sizeSummary: { inputBytes: number; outputBytes: number };
  recordSummary: { inputRecordCount: number; outputRecordCount: number; failedRecordCount: number };
  fileSummary: { outputFileCount: number };
  streamSummary: { microBatchCount: number };
}

/** The sums a window run holds so far (none for a run just created). */
function totalsOf(m: Partial<RunMetrics>, now: number): Totals {
  return {
    input: m.recordSummary?.inputRecordCount ?? 0,
    output: m.recordSummary?.outputRecordCount ?? 0,
    failed: m.recordSummary?.failedRecordCount ?? 0,
    inputBytes: m.sizeSummary?.inputBytes ?? 0,
    outputBytes: m.sizeSummary?.outputBytes ?? 0,
    outputFiles: m.fileSummary?.outputFileCount ?? 0,
    microBatches: m.streamSummary?.microBatchCount ?? 0,
    startedAt: m.durationSummary?.startedAtUTC ?? now,
  };
}

/**
 * A streaming flow's runs: one per flow and window (an hour by default), as AEP's monitoring shows a
 * streaming flow's activity in time windows; each micro-batch adds its records to the run of the window it
 * committed in, inside the transaction that commits it. The run is final at once (success while nothing
 * failed, partialSuccess when some records failed, failed when all did) and its counts grow.
 */
export async function addToWindowRun(
  tx: Queryable,
  flow: { id: string; orgId: string; sandboxId: string },
  windowMs: number,
  counts: MicroBatchCounts,
  now = Date.now(),
): Promise<string> {
  const windowStart = new Date(Math.floor(now / windowMs) * windowMs);
  await tx.query(
    `insert into flow_runs (id, flow_id, org_id, sandbox_id, status, window_start, window_end, started_at, stream_window, etag, created_client)
     values ($1, $2, $3, $4, 'success', $5, $6, now(), $5, gen_random_uuid(), 'tributary-stream-runner')
     on conflict (flow_id, stream_window) where stream_window is not null do nothing`,
    [randomUUID(), flow.id, flow.orgId, flow.sandboxId, windowStart, new Date(windowStart.getTime() + windowMs)],
  );
  const [run] = await tx.query<{ id: string; metrics: Partial<RunMetrics> }>(
    'select id, metrics from flow_runs where flow_id = $1 and stream_window = $2 for update',
    [flow.id, windowStart],
  );
  if (!run) throw new Error('the window run vanished');
  const before = totalsOf(run.metrics, now);
  const t: Totals = {
    input: before.input + counts.input,
    output: before.output + counts.output,
    failed: before.failed + counts.failed,
    inputBytes: before.inputBytes + counts.inputBytes,
    outputBytes: before.outputBytes + counts.outputBytes,
    outputFiles: before.outputFiles + counts.outputFiles,
    microBatches: before.microBatches + 1,
    startedAt: before.startedAt,
  };
  const status = t.failed === 0 ? 'success' : t.output === 0 ? 'failed' : 'partialSuccess';
  const metrics = {
    durationSummary: { startedAtUTC: t.startedAt, completedAtUTC: now },
    sizeSummary: { inputBytes: t.inputBytes, outputBytes: t.outputBytes },
    recordSummary: {
      inputRecordCount: t.input,
      createdRecordCount: t.output,
      outputRecordCount: t.output,
      failedRecordCount: t.failed,
      skippedRecordCount: 0,
    },
    fileSummary: { inputFileCount: 0, outputFileCount: t.outputFiles, skippedFileCount: 0, failedFileCount: 0 },
    // Tributary's addition for streams: how many micro-batches the window took, and the lag at the last one.
    streamSummary: { microBatchCount: t.microBatches, ...(counts.lagMs !== undefined ? { lagMs: counts.lagMs } : {}) },
  };
  await tx.query(
    `update flow_runs set status = $2, metrics = $3::jsonb, completed_at = $4, updated_at = now(), etag = gen_random_uuid() where id = $1`,
    [run.id, status, JSON.stringify(metrics), new Date(now)],
  );
  return run.id;
}

/** Per streaming flow: the records of all its window runs, for `/metrics`. */
export async function streamRecordsByFlow(db: Queryable): Promise<Array<{ flowId: string; input: number; output: number; failed: number }>> {
  const rows = await db.query<{ flow_id: string; input: number; output: number; failed: number }>(
    `select flow_id,
            coalesce(sum((metrics->'recordSummary'->>'inputRecordCount')::bigint), 0)::float8 as input,
            coalesce(sum((metrics->'recordSummary'->>'outputRecordCount')::bigint), 0)::float8 as output,
            coalesce(sum((metrics->'recordSummary'->>'failedRecordCount')::bigint), 0)::float8 as failed
       from flow_runs where stream_window is not null group by flow_id`,
  );
  return rows.map((r) => ({ flowId: r.flow_id, input: Number(r.input), output: Number(r.output), failed: Number(r.failed) }));
}
