import PgBoss from 'pg-boss';
import type { Db, Queryable } from './db.js';

/**
 * The job queue: pg-boss over the product's own database, so the embedded mode (PGlite) and the
 * scaled-out mode (PostgreSQL, many worker processes) share one mechanism.
 *
 * `Jobs` maps each queue's name to the data its jobs carry, so a job cannot be enqueued on a queue that
 * does not take its shape, nor a handler read a field its queue's jobs lack. Each service declares the
 * queues it uses; `src/worker/jobs.ts` joins them into the platform's registry.
 */
export interface JobQueue<Jobs extends object = Record<string, object>> {
  /** Enqueues a job; inside `tx` it is enqueued only if that transaction commits. */
  enqueue<Name extends keyof Jobs & string>(
    queue: Name,
    data: Jobs[Name],
    options?: {
      tx?: Queryable;
      singletonKey?: string;
      retryLimit?: number /** Not before this many seconds from now. */;
      startAfterSeconds?: number;
      /**
       * At most one job of the queue (and `singletonKey`) per slot of this many seconds, whichever process asks
       * (at most 12 hours): a periodic job enqueued by every process's scheduler runs once per slot.
       */
      throttleSeconds?: number;
    },
  ): Promise<string | null>;
  /** Starts taking jobs of a queue, one at a time per call. */
  work<Name extends keyof Jobs & string>(queue: Name, handler: (data: Jobs[Name], jobId: string) => Promise<void>): Promise<void>;
  /**
   * The data of a queue's jobs that no worker has taken yet (waiting to start, or to be retried), and
   * with `startedWithinMs`, also of those a worker took less than that long ago.
   */
  pending<Name extends keyof Jobs & string>(queue: Name, options?: { startedWithinMs?: number }): Promise<Array<Jobs[Name]>>;
  /** Completes, with `output`, the active jobs of a queue whose `data[key]` is one of `values` (their work was ended elsewhere). */
  completeActive<Name extends keyof Jobs & string>(queue: Name, key: keyof Jobs[Name] & string, values: string[], output: object): Promise<number>;
  /** Stops taking new jobs and waits for the running ones. */
  stop(): Promise<void>;
}

/** pg-boss's database interface over ours: parameterless text may hold several statements. */
function adapter(run: { query: Queryable['query']; execRows?: Db['execRows'] }) {
  return {
    async executeSql(text: string, values?: unknown[]) {
      if ((!values || values.length === 0) && run.execRows) return { rows: await run.execRows(text) };
      return { rows: await run.query(text, values ?? []) };
    },
  };
}

/**
 * The channel a job's enqueuing announces its queue on. Workers poll as a fallback; this wakes them at once,
 * in this process and in every `worker` process on the same PostgreSQL.
 */
export const JOBS_CHANNEL = 'tributary_jobs';

/** Starts the queue on `db`, creating the named queues (pg-boss needs each before it takes jobs). */
export async function startQueue<Jobs extends object>(
  db: Db,
  options: { queues: ReadonlyArray<keyof Jobs & string>; pollingIntervalSeconds?: number },
): Promise<JobQueue<Jobs>> {
  const boss = new PgBoss({
    db: adapter({ query: db.query.bind(db), execRows: db.execRows.bind(db) }),
    schedule: false,
    supervise: true,
    // A job whose process died is retried after it expires; a run is idempotent per file manifest.
    expireInSeconds: 6 * 60 * 60,
  } as PgBoss.ConstructorOptions);
  boss.on('error', (error) => {
    process.emitWarning(`job queue: ${error.message}`);
  });
  await boss.start();
  for (const name of options.queues) await boss.createQueue(name);
  const pollingIntervalSeconds = options.pollingIntervalSeconds ?? 1;
  const workers = new Map<string, string[]>();
  let unlisten: (() => Promise<void>) | null = null;
  const wake = (queue: string) => {
    for (const id of workers.get(queue) ?? []) boss.notifyWorker(id);
  };

  return {
    async enqueue(queue, data, { tx, singletonKey, retryLimit, startAfterSeconds, throttleSeconds } = {}) {
      const id = await boss.send(
        queue,
        data as object,
        {
          ...(tx ? { db: adapter({ query: tx.query.bind(tx) }) } : {}),
          ...(singletonKey ? { singletonKey } : {}),
          ...(startAfterSeconds ? { startAfter: startAfterSeconds } : {}),
          ...(throttleSeconds ? { singletonSeconds: Math.min(Math.max(1, Math.ceil(throttleSeconds)), 12 * 60 * 60) } : {}),
          retryLimit: retryLimit ?? 2,
          retryDelay: 5,
        } as PgBoss.SendOptions,
      );
      // Inside `tx` the notification is sent when it commits, so no worker wakes before the job is visible.
      if (id !== null && !startAfterSeconds) await (tx ?? db).query('select pg_notify($1, $2)', [JOBS_CHANNEL, queue]);
      return id;
    },
    async work(queue, handler) {
      unlisten ??= await db.listen(JOBS_CHANNEL, wake);
      const id = await boss.work<Jobs[typeof queue]>(queue, { pollingIntervalSeconds, batchSize: 1 }, async (jobs) => {
        for (const job of jobs) await handler(job.data, job.id);
      });
      workers.set(queue, [...(workers.get(queue) ?? []), id]);
    },
    async pending(queue, { startedWithinMs } = {}) {
      const rows = await db.query<{ data: Jobs[typeof queue] }>(
        `select data from pgboss.job where name = $1 and (state in ('created', 'retry')
           or ($2::float8 is not null and state = 'active' and started_on > now() - make_interval(secs => $2::float8 / 1000)))`,
        [queue, startedWithinMs ?? null],
      );
      // Every job is enqueued with its queue's data (the type says so), never null.
      return rows.map((r) => r.data);
    },
    async completeActive(queue, key, values, output) {
      if (values.length === 0) return 0;
      const rows = await db.query<{ id: string }>(`select id from pgboss.job where name = $1 and state = 'active' and data->>$2 = any($3::text[])`, [
        queue,
        key,
        values,
      ]);
      if (rows.length > 0)
        await boss.complete(
          queue,
          rows.map((r) => r.id),
          output,
        );
      return rows.length;
    },
    async stop() {
      await unlisten?.();
      unlisten = null;
      await boss.stop({ graceful: true, wait: true, close: false });
    },
  };
}
