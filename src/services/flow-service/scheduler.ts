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

/** What the scheduler's timer does besides starting runs. */
export interface SchedulerTasks {
  /** On every tick of the timer (scheduled queries whose slot has come). */
  everyTick?: Array<() => Promise<unknown>>;
  /**
   * Upkeep every process does (failing abandoned runs and import batches): on a tick of the timer, at most once
   * per `upkeepMs` (the tick when shorter). What it looks for has been silent for far longer than that.
   */
  upkeep?: Array<() => Promise<unknown>>;
  upkeepMs?: number;
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

  /** When the upkeep last ran (ms since the epoch); 0: not yet. */
  private upkeptAt = 0;

  constructor(
    private readonly db: Db,
    private readonly queue: JobQueue<RunJobs>,
    private readonly tickMs: number,
    private readonly onError: (error: unknown) => void,
    private readonly background: SchedulerTasks = {},
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

  /** Ticks now, or once more after the tick under way; with `upkeep` (the timer's ticks), does the timer's tasks too. */
  private run(upkeep: boolean): void {
    if (this.stopped) return;
    if (this.ticking) {
      if (!upkeep) this.again = true;
      return;
    }
    this.ticking = (async () => {
      // Most ticks find nothing due: the earliest slot, one cheap read, says so without the locking transaction.
      let earliest: number | null | undefined;
      do {
        this.again = false;
        earliest = await this.earliestSlot();
        if (earliest !== null && earliest <= Date.now()) {
          await this.tick();
          earliest = undefined;
        }
      } while (this.again && !this.stopped);
      if (upkeep) {
        for (const task of this.background.everyTick ?? []) await task();
        const upkeepMs = Math.max(this.tickMs, this.background.upkeepMs ?? 0);
        if (Date.now() - this.upkeptAt >= upkeepMs) {
          this.upkeptAt = Date.now();
          for (const task of this.background.upkeep ?? []) await task();
        }
      }
      // Read again after a run was started, or when a schedule changed while the tasks ran.
      await this.planEarliest(this.again ? undefined : earliest);
    })()
      .catch((error: unknown) => this.onError(error))
      .finally(() => {
        this.ticking = null;
      });
  }

  /** The earliest slot of any enabled flow (ms since the epoch), or null when none is scheduled. */
  private async earliestSlot(): Promise<number | null> {
    const rows = await this.db.query<{ at: Date | string | null }>(
      `select min(next_run_at) as at from flows where state = 'enabled' and next_run_at is not null`,
    );
    const at = rows[0]?.at;
    return at === null || at === undefined ? null : new Date(at).getTime();
  }

  /** Sets a wake-up for the earliest slot of any flow when it falls before the next tick (`known`: read just now). */
  private async planEarliest(known?: number | null): Promise<void> {
    const at = known === undefined ? await this.earliestSlot() : known;
    if (this.dueTimer) clearTimeout(this.dueTimer);
    this.dueTimer = null;
    if (at === null || this.stopped) return;
    const inMs = at - Date.now();
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
