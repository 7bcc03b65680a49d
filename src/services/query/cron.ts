import cronParser from 'cron-parser';
import { serviceError } from '../error-codes.js';

/**
 * A schedule's cadence: a cron expression (five fields, or six with seconds first; the docs' Quartz syntax with
 * `?`), one of the shorthands `@hourly`, `@daily`, `@weekly`, `@monthly`, `@yearly`, or `@once` (one run, at the
 * start date). Read in UTC, as AEP's start and end dates are. Parsing is cron-parser's (already in the tree
 * through pg-boss), not a parser of our own.
 */
export interface Cadence {
  expression: string;
  /** The first slot strictly after `after`, at or after `start`, and not after `end`; null when none is left. */
  nextAfter(after: Date, start: Date, end: Date | null): Date | null;
}

export function parseCadence(expression: unknown): Cadence {
  if (typeof expression !== 'string' || expression.trim() === '')
    throw serviceError('scheduleCronInvalid', '"schedule.schedule" is required: a cron expression such as "30 * * * *", or @once');
  const text = expression.trim();
  if (text.toLowerCase() === '@once') {
    return { expression: text, nextAfter: (after, start, end) => (start > after && (end === null || start <= end) ? start : null) };
  }
  try {
    // Parsed once here so that a bad expression is refused when the schedule is made, not when it is due.
    cronParser.parseExpression(text, { utc: true });
  } catch (error) {
    throw serviceError('scheduleCronInvalid', `"schedule.schedule" is not a cron expression: ${(error as Error).message}`);
  }
  return {
    expression: text,
    nextAfter(after, start, end) {
      // One millisecond before the start: a slot that falls on the start itself is the first one.
      const from = new Date(Math.max(after.getTime(), start.getTime() - 1));
      const slots = cronParser.parseExpression(text, { utc: true, currentDate: from, ...(end ? { endDate: end } : {}) });
      if (!slots.hasNext()) return null;
      return slots.next().toDate();
    },
  };
}
