import { Link } from 'wouter';
import { flowService, type Flow, isStreamingFlow } from '../api/flow-service.api.js';
import { useApp } from '../app-context.js';
import { ListView } from '../components/list-view.js';
import { Status } from '../components/ui.js';
import { formatTime } from '../lib/format.js';
import { flowScheduleInWords, nextRunAt } from '../lib/schedule.js';
import { useAsync } from '../lib/use-async.js';

/** Every dataflow with its state, its schedule, its last run and its next one. */
export default function DataflowsPage() {
  const { api } = useApp();
  const fs = flowService(api);
  const flows = useAsync(() => fs.flows(), [api]);
  return (
    <section>
      <h1 tabIndex={-1}>Dataflows</h1>
      <ListView<Flow>
        caption="Dataflows"
        noun="dataflow"
        rows={flows.data}
        loading={flows.loading}
        error={flows.error}
        reload={flows.reload}
        rowKey={(flow) => flow.id}
        rowName={(flow) => flow.name}
        searchText={(flow) => `${flow.name} ${flow.description ?? ''} ${flow.state}`}
        initialSort={{ key: 'created', descending: true }}
        empty="No dataflows yet: set one up from a source."
        onDelete={(flow) => fs.deleteFlow(flow.id)}
        deleteNote={() => 'Its dataset and the batches it landed stay.'}
        actions={
          <>
            <Link href="/sources" className="button">
              New dataflow
            </Link>
            <button type="button" className="secondary" onClick={flows.reload}>
              Refresh
            </button>
          </>
        }
        columns={[
          { key: 'name', label: 'Name', sortValue: (f) => f.name, cell: (flow) => <Link href={`/dataflows/${flow.id}`}>{flow.name}</Link> },
          { key: 'state', label: 'State', sortValue: (f) => f.state, cell: (flow) => <Status value={flow.state} /> },
          { key: 'schedule', label: 'Schedule', cell: (flow) => flowScheduleInWords(flow) },
          {
            key: 'lastRun',
            label: 'Last run',
            sortValue: (f) => f.lastRunDetails?.startedAtUTC,
            cell: (flow) =>
              flow.lastRunDetails ? (
                <Link href={`/runs/${flow.lastRunDetails.id}`}>
                  <Status value={flow.lastRunDetails.state} /> {formatTime(flow.lastRunDetails.startedAtUTC)}
                </Link>
              ) : (
                'not run yet'
              ),
          },
          { key: 'nextRun', label: 'Next run', sortValue: (f) => nextRunAt(f), cell: (flow) => formatNextRun(flow) },
          { key: 'created', label: 'Created', sortValue: (f) => f.createdAt, cell: (flow) => formatTime(flow.createdAt) },
        ]}
      />
    </section>
  );
}

export function formatNextRun(flow: Flow): string {
  const next = nextRunAt(flow);
  if (next !== undefined) return formatTime(next);
  if (isStreamingFlow(flow)) return flow.state === 'enabled' ? 'none (reads continuously)' : 'none (disabled)';
  return flow.state === 'enabled' ? 'none (ran once)' : 'none (disabled)';
}
