import { useEffect, useState } from 'react';
import { Link, useParams } from 'wouter';
import { type Flow, flowService, isStreamingFlow, runStatus, type Run } from '../api/flow-service.api.js';
import { useApp } from '../app-context.js';
import { LineChart } from '../components/line-chart.js';
import { DataTable, ErrorNote, Loading, Status } from '../components/ui.js';
import { formatBytes, formatCompact, formatDuration, formatNumber, formatTime } from '../lib/format.js';
import { flowScheduleInWords, fromNow, nextRunAt } from '../lib/schedule.js';
import { useAsync } from '../lib/use-async.js';

const FINAL = ['success', 'partialSuccess', 'failed', 'cancelled'];

/** One dataflow: its state and actions, its runs as charts over time and as a table. */
export default function FlowPage() {
  const { id } = useParams<{ id: string }>();
  const { api } = useApp();
  const fs = flowService(api);
  const flow = useAsync(() => fs.flow(id!), [api, id]);
  const runs = useAsync(() => fs.runs(id!), [api, id]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState('');

  // While a run is in flight, follow it (backing off) until it settles. A streaming flow's window runs are final at
  // once and grow with each micro-batch: they are followed for as long as the flow is enabled.
  const pending = (runs.data ?? []).some((r) => !FINAL.includes(runStatus(r)));
  const streaming = flow.data ? isStreamingFlow(flow.data) : false;
  const following = streaming && flow.data?.state === 'enabled';
  const [poll, setPoll] = useState(1000);
  // biome-ignore lint/correctness/useExhaustiveDependencies: polls on what changes the schedule, not on the reload functions or the delay it sets itself.
  useEffect(() => {
    if (!pending && !following && (runs.data?.length ?? 0) > 0) return;
    if (flow.data?.state === 'disabled' && !pending) return;
    const timer = setTimeout(() => {
      runs.reload();
      if (!pending) flow.reload();
      setPoll((p) => Math.min(p * 1.5, following ? 5000 : 10_000));
    }, poll);
    return () => clearTimeout(timer);
  }, [pending, following, runs.data, flow.data?.state]);

  const act = async (label: string, action: () => Promise<unknown>) => {
    setBusy(true);
    setError(null);
    setNotice('');
    try {
      await action();
      setNotice(label);
      flow.reload();
      runs.reload();
      setPoll(1000);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  if (flow.loading && !flow.data) return <Loading />;
  if (!flow.data) return <ErrorNote error={flow.error} />;
  const f = flow.data;
  const ordered = [...(runs.data ?? [])].sort(
    (a, b) => (a.metrics.durationSummary?.startedAtUTC ?? a.createdAt ?? 0) - (b.metrics.durationSummary?.startedAtUTC ?? b.createdAt ?? 0),
  );
  // A streaming run is labelled by the start of its window, a file run by when it started.
  const started = (r: Run) => (streaming ? r.windowStartTime : undefined) ?? r.metrics.durationSummary?.startedAtUTC ?? r.createdAt;
  const labels = ordered.map((r) => new Date(started(r) ?? 0).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }));
  const metric = (pick: (r: Run) => number | undefined) => ordered.map((r) => pick(r) ?? 0);
  const duration = (r: Run) => {
    const d = r.metrics.durationSummary;
    return d?.startedAtUTC && d.completedAtUTC ? d.completedAtUTC - d.startedAtUTC : 0;
  };
  const once = (f.scheduleParams?.frequency ?? 'once') === 'once';
  const lag = (r: Run) => r.metrics.streamSummary?.lagMs;

  return (
    <section className="stack">
      <p className="crumbs">
        <Link href="/dataflows">Dataflows</Link> / {f.name}
      </p>
      <h1 tabIndex={-1}>{f.name}</h1>
      <dl className="summary" data-testid="flow-summary">
        <dt>State</dt>
        <dd>
          <Status value={f.state} />
        </dd>
        <dt>Schedule</dt>
        <dd data-testid="flow-schedule">{flowScheduleInWords(f)}</dd>
        <dt>Next run</dt>
        <dd data-testid="flow-next-run">{nextRunText(f)}</dd>
        <dt>Created</dt>
        <dd>{formatTime(f.createdAt)}</dd>
      </dl>
      {f.description ? <p className="muted">{f.description}</p> : null}
      <div className="actions">
        {f.state === 'enabled' ? (
          <button
            type="button"
            className="secondary"
            disabled={busy}
            onClick={() => void act('Dataflow disabled', () => fs.flowAction(f.id, 'DISABLE', f.etag))}
          >
            Disable
          </button>
        ) : (
          <button
            type="button"
            className="secondary"
            disabled={busy}
            onClick={() => void act('Dataflow enabled', () => fs.flowAction(f.id, 'ENABLE', f.etag))}
          >
            Enable
          </button>
        )}
        {streaming ? null : (
          <button type="button" disabled={busy} onClick={() => void act('Run started', () => fs.runNow(f.id, once))}>
            Run now
          </button>
        )}
        <button type="button" className="secondary" onClick={() => (runs.reload(), flow.reload())}>
          Refresh
        </button>
      </div>
      {notice ? (
        <p className="note ok" role="status">
          {notice}
        </p>
      ) : null}
      <ErrorNote error={error} />
      <h2>Runs</h2>
      <ErrorNote error={runs.error} />
      {ordered.length > 0 ? (
        <div className="charts">
          <LineChart
            title="Records"
            labels={labels}
            format={formatCompact}
            series={[
              { label: 'in', values: metric((r) => r.metrics.recordSummary?.inputRecordCount), className: 's1' },
              { label: 'out', values: metric((r) => r.metrics.recordSummary?.outputRecordCount), className: 's2' },
              { label: 'failed', values: metric((r) => r.metrics.recordSummary?.failedRecordCount), className: 's3' },
            ]}
          />
          {streaming ? (
            <LineChart
              title="Lag behind the stream"
              labels={labels}
              format={formatDuration}
              series={[{ label: 'lag', values: metric(lag), className: 's3' }]}
            />
          ) : (
            <LineChart
              title="Files"
              labels={labels}
              format={formatCompact}
              series={[
                { label: 'in', values: metric((r) => r.metrics.fileSummary?.inputFileCount), className: 's1' },
                { label: 'failed', values: metric((r) => r.metrics.fileSummary?.failedFileCount), className: 's3' },
              ]}
            />
          )}
          <LineChart
            title="Bytes read"
            labels={labels}
            series={[{ label: 'in', values: metric((r) => r.metrics.sizeSummary?.inputBytes), className: 's1' }]}
            format={formatBytes}
          />
          {streaming ? (
            <LineChart
              title="Micro-batches"
              labels={labels}
              format={formatCompact}
              series={[{ label: 'micro-batches', values: metric((r) => r.metrics.streamSummary?.microBatchCount), className: 's2' }]}
            />
          ) : (
            <LineChart
              title="Duration"
              labels={labels}
              series={[{ label: 'duration', values: ordered.map(duration), className: 's2' }]}
              format={formatDuration}
            />
          )}
        </div>
      ) : (
        <p className="muted">
          {runs.loading
            ? 'Loading runs…'
            : streaming
              ? 'No runs yet: the run of an hour appears with the first records read in it.'
              : 'No runs yet; the first one starts at the scheduled time.'}
        </p>
      )}
      <DataTable
        caption="Runs"
        rows={[...ordered].reverse()}
        rowKey={(r) => r.id}
        empty={null}
        columns={[
          {
            key: 'started',
            label: streaming ? 'Window' : 'Started',
            cell: (r) => (
              <Link href={`/runs/${r.id}`} aria-label={`Run of ${formatTime(started(r))}`}>
                {formatTime(started(r))}
                {streaming && r.windowEndTime
                  ? ` – ${new Date(r.windowEndTime).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })}`
                  : ''}
              </Link>
            ),
          },
          { key: 'status', label: 'Status', cell: (r) => <Status value={runStatus(r)} /> },
          {
            key: 'records',
            label: 'Records in / out / failed',
            cell: (r) =>
              `${formatNumber(r.metrics.recordSummary?.inputRecordCount ?? 0)} / ${formatNumber(r.metrics.recordSummary?.outputRecordCount ?? 0)} / ${formatNumber(r.metrics.recordSummary?.failedRecordCount ?? 0)}`,
          },
          streaming
            ? { key: 'batches', label: 'Micro-batches', cell: (r) => formatNumber(r.metrics.streamSummary?.microBatchCount ?? 0) }
            : { key: 'files', label: 'Files', cell: (r) => formatNumber(r.metrics.fileSummary?.inputFileCount ?? 0) },
          { key: 'size', label: 'Size', cell: (r) => formatBytes(r.metrics.sizeSummary?.inputBytes) },
          streaming
            ? { key: 'lag', label: 'Lag', cell: (r) => formatDuration(lag(r)) }
            : { key: 'duration', label: 'Duration', cell: (r) => formatDuration(duration(r) || undefined) },
        ]}
      />
    </section>
  );
}

/** The next run, as a time and how far off it is; or why there is none. */
function nextRunText(flow: Flow): string {
  if (isStreamingFlow(flow))
    return flow.state === 'enabled' ? 'none: a streaming dataflow reads continuously' : 'none while the dataflow is disabled';
  const next = nextRunAt(flow);
  if (next === undefined) return flow.state === 'enabled' ? 'none: scheduled once, and it has run' : 'none while the dataflow is disabled';
  return `${formatTime(next)} (${fromNow(next)})`;
}
