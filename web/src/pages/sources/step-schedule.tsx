import type { ScheduleParams } from '../../api/flow-service.api.js';
import type { StepProps } from './wizard-state.js';

/** `datetime-local` speaks local wall time without a zone; epoch seconds go to the API. */
function toLocalInput(seconds: number): string {
  const d = new Date(seconds * 1000);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Step 6: how often the dataflow runs, from when, and whether the first run takes the files already there. */
export function ScheduleStep({ state, update, next }: StepProps) {
  const schedule = state.schedule;
  const set = (patch: Partial<ScheduleParams>) => update({ schedule: { ...schedule, ...patch } });
  const minimum = schedule.frequency === 'minute' ? 15 : 1;
  const invalid = schedule.frequency !== 'once' && (!schedule.interval || Number(schedule.interval) < minimum);
  return (
    <form
      className="stack narrow"
      onSubmit={(e) => {
        e.preventDefault();
        if (!invalid) next();
      }}
    >
      <label>
        <span>Dataflow name</span>
        <input required value={state.flowName} onChange={(e) => update({ flowName: e.target.value })} />
      </label>
      <label>
        <span>Frequency</span>
        <select
          value={schedule.frequency}
          onChange={(e) => set({ frequency: e.target.value as ScheduleParams['frequency'], interval: e.target.value === 'minute' ? 15 : 1 })}
        >
          <option value="once">Once</option>
          <option value="minute">Minutes</option>
          <option value="hour">Hours</option>
          <option value="day">Days</option>
          <option value="week">Weeks</option>
        </select>
      </label>
      {schedule.frequency !== 'once' ? (
        <label>
          <span>Interval (every N {schedule.frequency}s)</span>
          <input
            type="number"
            min={minimum}
            required
            value={schedule.interval ?? ''}
            onChange={(e) => set({ interval: Number(e.target.value) })}
            aria-describedby="interval-help"
          />
          <small id="interval-help" className="muted">
            At least {minimum}.
          </small>
        </label>
      ) : null}
      <label>
        <span>Start time</span>
        <input
          type="datetime-local"
          required
          value={toLocalInput(schedule.startTime)}
          onChange={(e) => {
            const ms = new Date(e.target.value).getTime();
            if (!Number.isNaN(ms)) set({ startTime: Math.floor(ms / 1000) });
          }}
        />
      </label>
      {schedule.frequency !== 'once' ? (
        <label className="check">
          <input type="checkbox" checked={schedule.backfill ?? true} onChange={(e) => set({ backfill: e.target.checked })} /> Backfill: the first run
          also takes the files already there
        </label>
      ) : null}
      {invalid ? (
        <p className="note warn" role="alert">
          The interval must be at least {minimum}.
        </p>
      ) : null}
      <div className="actions">
        <button type="submit" disabled={invalid}>
          Next
        </button>
      </div>
    </form>
  );
}
