import { invalid } from '../errors.js';

/**
 * A flow's schedule. AEP's bodies send numbers and booleans as strings at times
 * (`"startTime": "1589398646"`, `"interval": "30"`): both spellings are accepted.
 */
export type Schedule =
  | { frequency: 'once'; startTime: number | null }
  | { frequency: 'minute' | 'hour' | 'day' | 'week'; startTime: number; interval: number; backfill: boolean; endTime: number | null };

const UNIT_SECONDS = { minute: 60, hour: 3600, day: 86_400, week: 604_800 } as const;

function integerish(value: unknown, name: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n)) throw invalid(`scheduleParams.${name} must be an integer, got ${JSON.stringify(value)}`);
  return n;
}

export function booleanish(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined || value === null) return fallback;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw invalid(`${name} must be true or false, got ${JSON.stringify(value)}`);
}

export function parseSchedule(raw: unknown): Schedule {
  if (raw === undefined || raw === null) return { frequency: 'once', startTime: null };
  if (typeof raw !== 'object' || Array.isArray(raw)) throw invalid('scheduleParams must be an object');
  const params = raw as Record<string, unknown>;
  const frequency = String(params.frequency ?? 'once').toLowerCase();
  const startTime = integerish(params.startTime, 'startTime');
  if (startTime !== undefined && startTime < 0) throw invalid('scheduleParams.startTime must be epoch seconds');
  if (frequency === 'once') return { frequency, startTime: startTime ?? null };
  if (!(frequency in UNIT_SECONDS)) throw invalid(`scheduleParams.frequency must be one of once, minute, hour, day, week; got "${frequency}"`);
  const interval = integerish(params.interval, 'interval');
  if (interval === undefined) throw invalid(`scheduleParams.interval is required when frequency is ${frequency}`);
  const minimum = frequency === 'minute' ? 15 : 1;
  if (interval < minimum) throw invalid(`scheduleParams.interval must be at least ${minimum} when frequency is ${frequency}`);
  if (startTime === undefined) throw invalid('scheduleParams.startTime (epoch seconds) is required for a periodic schedule');
  const endTime = integerish(params.endTime, 'endTime') ?? null;
  if (endTime !== null && endTime <= startTime) throw invalid('scheduleParams.endTime must be after startTime');
  return {
    frequency: frequency as keyof typeof UNIT_SECONDS,
    startTime,
    interval,
    backfill: booleanish(params.backfill, 'scheduleParams.backfill', true),
    endTime,
  };
}

/**
 * The schedule as the API shows it: `startTime` a number, `interval` a string — the spec's
 * `ScheduleSpecDTO` types it so (example `"15"`) and the tutorial sends `"interval": "30"`.
 */
export function renderSchedule(schedule: Schedule): Record<string, unknown> {
  if (schedule.frequency === 'once') return { frequency: 'once', ...(schedule.startTime !== null ? { startTime: schedule.startTime } : {}) };
  return {
    startTime: schedule.startTime,
    frequency: schedule.frequency,
    interval: String(schedule.interval),
    backfill: schedule.backfill,
    ...(schedule.endTime !== null ? { endTime: schedule.endTime } : {}),
  };
}

/** Seconds between two runs of a periodic schedule. */
export function periodSeconds(schedule: Exclude<Schedule, { frequency: 'once' }>): number {
  return UNIT_SECONDS[schedule.frequency] * schedule.interval;
}

/**
 * When the first run is due (ms). A start time in the past runs at once: the missed slots
 * collapse into that one run rather than a burst of catch-up runs.
 */
export function firstRunAt(schedule: Schedule, nowMs: number): number {
  if (schedule.startTime === null) return nowMs;
  return Math.max(schedule.startTime * 1000, nowMs);
}

/** The next slot strictly after `afterMs`, on the grid startTime + k·period; null when the schedule has ended or is `once`. */
export function nextRunAfter(schedule: Schedule, afterMs: number): number | null {
  if (schedule.frequency === 'once') return null;
  const start = schedule.startTime * 1000;
  const period = periodSeconds(schedule) * 1000;
  const k = afterMs < start ? 0 : Math.floor((afterMs - start) / period) + 1;
  const next = start + k * period;
  if (schedule.endTime !== null && next > schedule.endTime * 1000) return null;
  return next;
}
