import { Link } from 'wouter';
import { flowService } from '../api/flow-service.api.js';
import { useApp } from '../app-context.js';
import { ErrorNote, Loading, Status } from '../components/ui.js';
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
      <div className="table-wrap" tabIndex={0} role="region" aria-label="Dataflows">
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">State</th>
              <th scope="col">Schedule</th>
              <th scope="col">Last run</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {list.map((flow) => (
              <tr key={flow.id}>
                <td>
                  <Link href={`/dataflows/${flow.id}`}>{flow.name}</Link>
                </td>
                <td>
                  <Status value={flow.state} />
                </td>
                <td>
                  {flow.scheduleParams?.frequency === 'once' || !flow.scheduleParams
                    ? 'once'
                    : `every ${String(flow.scheduleParams.interval)} ${String(flow.scheduleParams.frequency)}(s)`}
                </td>
                <td>
                  {flow.lastRunDetails ? (
                    <Link href={`/runs/${flow.lastRunDetails.id}`}>
                      <Status value={flow.lastRunDetails.state} /> {formatTime(flow.lastRunDetails.startedAtUTC)}
                    </Link>
                  ) : (
                    'not run yet'
                  )}
                </td>
                <td>{formatTime(flow.createdAt)}</td>
              </tr>
            ))}
            {!flows.loading && list.length === 0 ? (
              <tr>
                <td colSpan={5} className="muted">
                  No dataflows yet.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </section>
  );
}
