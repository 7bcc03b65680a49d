import { type Flow, isStreamingFlow, type ScheduleParams } from '../api/flow-service.api.js';
import { formatTime } from './format.js';

const UNIT_SECONDS = { minute: 60, hour: 3600, day: 86_400, week: 604_800 } as const;
const UNIT_WORDS = { minute: ['minute', 'minutes'], hour: ['hour', 'hours'], day: ['day', 'days'], week: ['week', 'weeks'] } as const;

type Schedule = Partial<Omit<ScheduleParams, 'startTime' | 'interval'>> & { startTime?: number | string; interval?: number | string };

function parts(schedule: Schedule | undefined) {
  const frequency = schedule?.frequency ?? 'once';
  const interval = Math.max(1, Number(schedule?.interval ?? 1) || 1);
  const start = schedule?.startTime === undefined ? undefined : Number(schedule.startTime) * 1000;
  return { frequency, interval, start };
}

/** A schedule in words: "every 15 minutes from 1 Jan 2024, 00:00", "once, at …". */
export function scheduleInWords(schedule: Schedule | undefined): string {
  const { frequency, interval, start } = parts(schedule);
  const from = start ? formatTime(start) : undefined;
  if (frequency === 'once') return from ? `once, at ${from}` : 'once';
  const words = UNIT_WORDS[frequency];
  const every = interval === 1 ? `every ${words[0]}` : `every ${interval.toLocaleString()} ${words[1]}`;
  return from ? `${every} from ${from}` : every;
}

/** A flow's schedule in words; a streaming flow has none: it reads continuously while enabled. */
export function flowScheduleInWords(flow: Pick<Flow, 'flowSpec' | 'scheduleParams'>): string {
  return isStreamingFlow(flow) ? 'continuous (streaming)' : scheduleInWords(flow.scheduleParams);
}

/**
 * When the scheduler starts the flow's next run (ms), by the server's rule: the slots start + k·period;
 * a start in the past runs at once, then keeps to the grid. Undefined when no run is due
 * (disabled, scheduled once and already run, or streaming: its runs are time windows, not started).
 */
export function nextRunAt(
  flow: Pick<Flow, 'state' | 'scheduleParams' | 'lastRunDetails'> & Partial<Pick<Flow, 'flowSpec'>>,
  now = Date.now(),
): number | undefined {
  if (flow.state !== 'enabled') return undefined;
  if (flow.flowSpec && isStreamingFlow({ flowSpec: flow.flowSpec })) return undefined;
  const { frequency, interval, start } = parts(flow.scheduleParams);
  if (frequency === 'once') return flow.lastRunDetails ? undefined : Math.max(start ?? now, now);
  const period = UNIT_SECONDS[frequency] * interval * 1000;
  const first = start ?? now;
  if (now < first) return first;
  return first + (Math.floor((now - first) / period) + 1) * period;
}

/** "in 12 min", "in 3 h", for a time ahead. */
export function fromNow(ms: number, now = Date.now()): string {
  const seconds = Math.round((ms - now) / 1000);
  if (seconds < 60) return 'in under a minute';
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `in ${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `in ${hours} h`;
  return `in ${Math.round(hours / 24)} days`;
}
