import { useState } from 'react';
import { EVENT_HUBS_SPEC, flowService } from '../../api/flow-service.api.js';
import { useApp } from '../../app-context.js';
import { Icon } from '../../components/icon.js';
import { ErrorNote, Loading } from '../../components/ui.js';
import { useAsync } from '../../lib/use-async.js';
import type { StepProps } from './wizard-state.js';

/** Step 2 of a stream source: pick one of the account's streams (Kinesis) or its event hub, or name one. */
export function StreamBrowseStep({ state, update, next }: StepProps) {
  const { api } = useApp();
  const connectionId = state.connection!.id;
  const hubs = state.spec.id === EVENT_HUBS_SPEC;
  const noun = hubs ? 'event hub' : 'stream';
  const listing = useAsync(() => flowService(api).explore(connectionId, null), [api, connectionId]);
  const [filter, setFilter] = useState('');
  const [typed, setTyped] = useState('');
  const streams = (listing.data ?? []).filter((e) => e.type === 'stream' && e.name.toLowerCase().includes(filter.trim().toLowerCase()));
  const choose = (name: string) => update({ stream: name, preview: undefined });

  return (
    <div className="stack">
      <label className="inline">
        <span>Filter</span>
        <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="name contains…" />
      </label>
      {listing.loading ? <Loading /> : null}
      <ErrorNote error={listing.error} />
      <ul className="explorer" aria-label={hubs ? 'Event hubs' : 'Streams'}>
        {streams.map((entry) => (
          <li key={entry.path} className={state.stream === entry.name ? 'selected' : undefined}>
            <button
              type="button"
              className="link"
              onClick={() => choose(entry.name)}
              aria-pressed={state.stream === entry.name}
              aria-label={`Select ${noun} ${entry.name}`}
            >
              <Icon name="stream" /> {entry.name}
            </button>
          </li>
        ))}
        {!listing.loading && streams.length === 0 ? (
          <li className="muted">
            {filter ? `No ${noun} matches the filter.` : hubs ? 'The account names no event hub: type its name below.' : 'No streams in this region.'}
          </li>
        ) : null}
      </ul>
      {/* Event Hubs' AMQP endpoint cannot list a namespace's hubs: one the account does not name is typed in. */}
      <form
        className="actions"
        onSubmit={(e) => {
          e.preventDefault();
          if (typed.trim()) choose(typed.trim());
        }}
      >
        <label className="inline">
          <span>{hubs ? 'Event hub name' : 'Stream name'}</span>
          <input value={typed} onChange={(e) => setTyped(e.target.value)} />
        </label>
        <button type="submit" className="secondary" disabled={!typed.trim()}>
          Use this {noun}
        </button>
      </form>
      {state.stream ? (
        <p className="note ok" role="status">
          Selected {noun} <code>{state.stream}</code>
        </p>
      ) : null}
      <div className="actions">
        <button type="button" onClick={next} disabled={!state.stream}>
          Next
        </button>
      </div>
    </div>
  );
}
