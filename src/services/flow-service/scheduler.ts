import type { Db, Queryable } from '../../store/db.js';
import type { JobQueue } from '../../store/queue.js';
import type { RunJobs } from './run-job.js';
import { nextRunAfter, parseSchedule } from './schedule.js';
import { createRun } from './runs.service.js';
import { flowHasOpenRun, lastWindowEnd } from './runs.repo.js';
import { SCHEDULE_CHANNEL } from './schedule-wakeup.js';

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
 *
 * It looks on each tick, when a flow's schedule changes (a notification on SCHEDULE_CHANNEL, from any
 * process), and when the earliest slot falls before the next tick: a slot starts when it is due.
 */
export class Scheduler {
  private timer: NodeJS.Timeout | null = null;
  private dueTimer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  /** A wake-up arrived while a tick ran: tick again when it ends, since it may have read before the change. */
  private again = false;
  private unlisten: (() => Promise<void>) | null = null;
  private stopped = false;

  constructor(
    private readonly db: Db,
    private readonly queue: JobQueue<RunJobs>,
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
        started += 1;
        await createRun(tx, this.queue, {
          flowId: flow.id,
          orgId: flow.org_id,
          sandboxId: flow.sandbox_id,
          windowStart: await lastWindowEnd(tx, flow.id),
          windowEnd: new Date(Math.max(slot.getTime(), now)),
          clientId: 'tributary-scheduler',
        });
      }
      return started;
    });
  }

  async start(): Promise<void> {
    if (this.timer) return;
    this.stopped = false;
    this.timer = setInterval(() => this.run(true), this.tickMs);
    this.timer.unref();
    this.unlisten = await this.db.listen(SCHEDULE_CHANNEL, () => this.run(false));
    // Slots that fell due while no scheduler ran start now, not a tick from now.
    this.run(false);
  }

  /** Ticks now, or once more after the tick under way; with `upkeep`, does the upkeep too. */
  private run(upkeep: boolean): void {
    if (this.stopped) return;
    if (this.ticking) {
      if (!upkeep) this.again = true;
      return;
    }
    this.ticking = (async () => {
      do {
        this.again = false;
        await this.tick();
      } while (this.again && !this.stopped);
      if (upkeep) for (const task of this.upkeep) await task();
      await this.planEarliest();
    })()
      .catch((error: unknown) => this.onError(error))
      .finally(() => {
        this.ticking = null;
      });
  }

  /** Sets a wake-up for the earliest slot of any flow when it falls before the next tick. */
  private async planEarliest(): Promise<void> {
    const rows = await this.db.query<{ at: Date | string | null }>(
      `select min(next_run_at) as at from flows where state = 'enabled' and next_run_at is not null`,
    );
    const at = rows[0]?.at;
    if (this.dueTimer) clearTimeout(this.dueTimer);
    this.dueTimer = null;
    if (at === null || at === undefined || this.stopped) return;
    const inMs = new Date(at).getTime() - Date.now();
    if (inMs >= this.tickMs) return;
    // Not sooner than 20 ms: a due flow another process holds locked for a moment must not spin this one.
    this.dueTimer = setTimeout(() => this.run(false), Math.max(20, inMs + 5));
    this.dueTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.dueTimer) clearTimeout(this.dueTimer);
    this.timer = null;
    this.dueTimer = null;
    await this.ticking;
    await this.unlisten?.();
    this.unlisten = null;
  }
}
