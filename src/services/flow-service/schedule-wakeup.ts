import type { Queryable } from '../../store/db.js';

/**
 * The channel a change of a flow's next slot is announced on, so that every scheduler (in any serve
 * process on the same database) looks at once rather than at its next tick.
 */
export const SCHEDULE_CHANNEL = 'tributary_schedule';

/** Tells the schedulers a flow's next slot changed; inside a transaction, once it commits. */
export async function announceScheduleChange(db: Queryable): Promise<void> {
  await db.query('select pg_notify($1, $2)', [SCHEDULE_CHANNEL, '']);
}
