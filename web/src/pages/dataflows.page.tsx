import { Link } from 'wouter';
import { flowService } from '../api/flow-service.api.js';
import { useApp } from '../app-context.js';
import { DataTable, ErrorNote, Loading, Status } from '../components/ui.js';
import { formatTime } from '../lib/format.js';
import { useAsync } from '../lib/use-async.js';

/** Every dataflow with its state and its last run. */
export default function DataflowsPage() {
  const { api } = useApp();
  const flows = useAsync(() => flowService(api).flows(), [api]);
  const list = [...(flows.data ?? [])].sort((a, b) => (b.createdAt ?? 0) - (a.createdAt ?? 0));
  return (
    <section>
      <h1 tabIndex={-1}>Dataflows</h1>
      <div className="actions">
        <Link href="/sources" className="button">
          New dataflow
        </Link>
        <button type="button" className="secondary" onClick={flows.reload}>
          Refresh
        </button>
      </div>
      {flows.loading ? <Loading /> : null}
      <ErrorNote error={flows.error} />
      <DataTable
        caption="Dataflows"
        rows={list}
        rowKey={(flow) => flow.id}
        empty={flows.loading ? null : 'No dataflows yet.'}
        columns={[
          { key: 'name', label: 'Name', cell: (flow) => <Link href={`/dataflows/${flow.id}`}>{flow.name}</Link> },
          { key: 'state', label: 'State', cell: (flow) => <Status value={flow.state} /> },
          {
            key: 'schedule',
            label: 'Schedule',
            cell: (flow) =>
              flow.scheduleParams?.frequency === 'once' || !flow.scheduleParams
                ? 'once'
                : `every ${String(flow.scheduleParams.interval)} ${String(flow.scheduleParams.frequency)}(s)`,
          },
          {
            key: 'lastRun',
            label: 'Last run',
            cell: (flow) =>
              flow.lastRunDetails ? (
                <Link href={`/runs/${flow.lastRunDetails.id}`}>
                  <Status value={flow.lastRunDetails.state} /> {formatTime(flow.lastRunDetails.startedAtUTC)}
                </Link>
              ) : (
                'not run yet'
              ),
          },
          { key: 'created', label: 'Created', cell: (flow) => formatTime(flow.createdAt) },
        ]}
      />
    </section>
  );
}
