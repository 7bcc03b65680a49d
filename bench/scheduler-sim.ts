/**
 * The scheduler alone, with many flows: `src/services/flow-service/scheduler.ts` and the pg-boss job queue on a
 * PostgreSQL database of their own, with flows inserted straight into the `flows` table (no API, no worker runs
 * them). Measures one tick with nothing due among N flows, the ticks that turn N due flows into N runs and jobs
 * (each tick takes at most 20 flows in one transaction), and what taking a job off the N-deep queue costs.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import PgBoss from 'pg-boss';
import pg from 'pg';
import { Scheduler } from '../src/services/flow-service/scheduler.js';
import { openDb, type Db } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import { startQueue } from '../src/store/queue.js';
import { RUN_QUEUE, type RunJobs } from '../src/services/flow-service/run-job.js';

export interface SchedulerFigures {
  flows: number;
  idleTickMs: { median: number; max: number };
  dueTick: { ticks: number; medianMs: number; p95Ms: number; maxMs: number; totalMs: number; runsPerSecond: number };
  queue: { depth: number; pendingQueryMs: number; takeMedianMs: number; takeP95Ms: number };
}

const quantile = (values: number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
};

async function withDatabase<T>(adminUrl: string, work: (url: string) => Promise<T>): Promise<T> {
  const name = `tributary_scale_sim_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  try {
    return await work(url.toString());
  } finally {
    await admin.query(`drop database if exists ${name} with (force)`).catch(() => undefined);
    await admin.end();
  }
}

/** N enabled hourly flows in one org and sandbox, due at `dueAt` (or not due, an hour later). */
async function insertFlows(db: Db, count: number, dueAt: Date): Promise<void> {
  const schedule = { frequency: 'hour', interval: 1, startTime: Math.floor(dueAt.getTime() / 1000) };
  await db.query(
    `insert into flows (id, org_id, sandbox_id, doc, state, next_run_at, last_operation, etag, created_client, updated_client)
     select gen_random_uuid(), 'SIM0000000000000000000000@AdobeOrg', '2f0a5a56-2b7b-4f55-9b5e-3a3f6a1f0c11',
            jsonb_build_object('name', 'sim flow ' || n, 'scheduleParams', $1::jsonb), 'enabled', $2, '{}'::jsonb,
            gen_random_uuid(), 'bench', 'bench'
     from generate_series(1, $3::int) as n`,
    [JSON.stringify(schedule), dueAt, count],
  );
  await db.query('analyze flows');
}

export async function simulateScheduler(adminUrl: string, count: number, log: (line: string) => void): Promise<SchedulerFigures> {
  return withDatabase(adminUrl, async (databaseUrl) => {
    const db = await openDb({ databaseUrl, dataDir: '' });
    await migrate(db);
    const queue = await startQueue<RunJobs>(db, { queues: [RUN_QUEUE] });
    const errors: unknown[] = [];
    const scheduler = new Scheduler(db, queue, 5_000, (error) => errors.push(error));
    try {
      const dueAt = new Date(Date.now() - 1_000);
      log(`  inserting ${count.toLocaleString('en')} flows …`);
      await insertFlows(db, count, new Date(dueAt.getTime() + 3_600_000));

      // Nothing due: what every tick costs between slots.
      const idle: number[] = [];
      for (let i = 0; i < 20; i++) {
        const started = performance.now();
        if ((await scheduler.tick()) !== 0) throw new Error('a flow was due in the idle ticks');
        idle.push(performance.now() - started);
      }

      // Every flow due at once.
      await db.query('update flows set next_run_at = $1', [dueAt]);
      await db.query('analyze flows');
      const ticks: number[] = [];
      let runs = 0;
      const began = performance.now();
      for (;;) {
        const started = performance.now();
        const made = await scheduler.tick();
        if (made === 0) break;
        ticks.push(performance.now() - started);
        runs += made;
        if (ticks.length % 100 === 0) log(`  ${runs.toLocaleString('en')} runs created …`);
      }
      const totalMs = performance.now() - began;
      if (runs !== count) throw new Error(`the scheduler created ${runs} runs for ${count} due flows`);
      if (errors.length > 0) throw errors[0];

      const pendingStarted = performance.now();
      const depth = (await queue.pending(RUN_QUEUE)).length;
      const pendingQueryMs = performance.now() - pendingStarted;

      // What a worker's fetch of its next job costs with the queue this deep (pg-boss's own fetch and complete;
      // in the product a worker fetches again as soon as a run ends, so this is the queue's share of each run).
      const boss = new PgBoss({ connectionString: databaseUrl, schedule: false, supervise: false } as PgBoss.ConstructorOptions);
      boss.on('error', () => undefined);
      await boss.start();
      const takes: number[] = [];
      try {
        for (let i = 0; i < 200; i++) {
          const started = performance.now();
          const [job] = await boss.fetch(RUN_QUEUE);
          if (!job) throw new Error('the queue ran dry');
          await boss.complete(RUN_QUEUE, job.id);
          takes.push(performance.now() - started);
        }
      } finally {
        await boss.stop({ graceful: false, close: true });
      }

      return {
        flows: count,
        idleTickMs: { median: quantile(idle, 0.5), max: Math.max(...idle) },
        dueTick: {
          ticks: ticks.length,
          medianMs: quantile(ticks, 0.5),
          p95Ms: quantile(ticks, 0.95),
          maxMs: Math.max(...ticks),
          totalMs,
          runsPerSecond: runs / (totalMs / 1000),
        },
        queue: { depth, pendingQueryMs, takeMedianMs: quantile(takes, 0.5), takeP95Ms: quantile(takes, 0.95) },
      };
    } finally {
      await scheduler.stop();
      await queue.stop().catch(() => undefined);
      await db.close();
    }
  });
}
