import type { Db } from '../../store/db.js';
import type { JobQueue } from '../../store/queue.js';
import { nextRunAfter, parseSchedule } from './schedule.js';
import { createRun } from './runs.service.js';
import { flowHasOpenRun, lastWindowEnd } from './runs.repo.js';

interface DueFlow {
  id: string;
  org_id: string;
  sandbox_id: string;
  doc: { scheduleParams: unknown };
  next_run_at: Date | string;
}

/**
 * Starts the runs that are due. Every serve process may run one: `for update skip locked` hands
 * each due flow to exactly one of them, and the run and its job are created in the same transaction
 * as the flow's next slot.
 */
export class Scheduler {
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<number> | null = null;

  constructor(
    private readonly db: Db,
    private readonly queue: JobQueue,
    private readonly tickMs: number,
    private readonly onError: (error: unknown) => void,
    /** Upkeep every process does on each tick besides starting runs (failing abandoned runs and import batches). */
    private readonly upkeep: Array<() => Promise<unknown>> = [],
  ) {}

  /** Starts the due runs now; returns how many (a due flow whose previous run is still open is skipped). */
  async tick(now = Date.now()): Promise<number> {
    return this.db.transaction(async (tx) => {
      const due = await tx.query<DueFlow>(
        `select id, org_id, sandbox_id, doc, next_run_at from flows
         where state = 'enabled' and next_run_at is not null and next_run_at <= $1
         order by next_run_at limit 20 for update skip locked`,
        [new Date(now)],
      );
      let started = 0;
      for (const flow of due) {
        const slot = new Date(flow.next_run_at);
        const next = nextRunAfter(parseSchedule(flow.doc.scheduleParams), now);
        await tx.query('update flows set next_run_at = $1 where id = $2', [next === null ? null : new Date(next), flow.id]);
        // A run of the flow still pending or in progress takes whatever this slot would: the slot is skipped rather
        // than queued behind it, and the next run's window starts where that run's ends, so nothing is missed.
        if (await flowHasOpenRun(tx, flow.id)) continue;
        const previousEnd = await lastWindowEnd(tx, flow.id);
        started += 1;
        await createRun(tx, this.queue, {
          flowId: flow.id,
          orgId: flow.org_id,
          sandboxId: flow.sandbox_id,
          windowStart: previousEnd,
          windowEnd: new Date(Math.max(slot.getTime(), now)),
          clientId: 'tributary-scheduler',
        });
      }
      return started;
    });
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.ticking) return;
      this.ticking = this.tick()
        .then(async (started) => {
          for (const task of this.upkeep) await task();
          return started;
        })
        .catch((error: unknown) => {
          this.onError(error);
          return 0;
        })
        .finally(() => {
          this.ticking = null;
        });
    }, this.tickMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking;
  }
}
