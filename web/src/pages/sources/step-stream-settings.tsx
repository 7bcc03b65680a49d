import { EVENT_HUBS_SPEC } from '../../api/flow-service.api.js';
import type { StepProps, StreamParams } from './wizard-state.js';

/** The step of a stream source in place of a schedule: a streaming dataflow runs while it is enabled. */
export function StreamSettingsStep({ state, update, next }: StepProps) {
  const params = state.streamParams;
  const set = (patch: Partial<StreamParams>) => update({ streamParams: { ...params, ...patch } });
  const hubs = state.spec.id === EVENT_HUBS_SPEC;
  return (
    <form
      className="stack narrow"
      onSubmit={(e) => {
        e.preventDefault();
        next();
      }}
    >
      <p className="muted">No schedule: a streaming dataflow reads its records continuously, in micro-batches, while it is enabled.</p>
      <label>
        <span>Dataflow name</span>
        <input required value={state.flowName} onChange={(e) => update({ flowName: e.target.value })} />
      </label>
      {state.kind === 'stream' ? (
        <label>
          <span>Start reading at</span>
          <select value={params.reset} onChange={(e) => set({ reset: e.target.value as StreamParams['reset'] })} aria-describedby="reset-help">
            <option value="latest">Latest: only records that arrive from now on</option>
            <option value="earliest">Earliest: every record the stream still holds</option>
          </select>
          <small id="reset-help" className="muted help">
            Applies where the dataflow has not read yet; afterwards it goes on from where it stopped.
          </small>
        </label>
      ) : (
        <p className="muted small">The inlet’s dataflow starts at its oldest record: nothing posted before the dataflow exists is lost.</p>
      )}
      {hubs ? (
        <label>
          <span>Consumer group</span>
          <input required value={params.consumerGroup} onChange={(e) => set({ consumerGroup: e.target.value })} aria-describedby="group-help" />
          <small id="group-help" className="muted help">
            The event hub’s consumer group the dataflow reads as. Default: $Default.
          </small>
        </label>
      ) : null}
      <div className="actions">
        <button type="submit">Next</button>
      </div>
    </form>
  );
}
