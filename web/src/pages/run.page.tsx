import { Link, useParams } from 'wouter';
import { catalog } from '../api/catalog.api.js';
import { dataAccess, type RowError } from '../api/export.api.js';
import { flowService, runBatchId, runStatus } from '../api/flow-service.api.js';
import { useApp } from '../app-context.js';
import { BatchTable } from '../components/batch-table.js';
import { DataTable, ErrorNote, Loading, Status } from '../components/ui.js';
import { downloadText, toCsv } from '../lib/csv.js';
import { formatBytes, formatDuration, formatNumber, formatTime } from '../lib/format.js';
import { useAsync } from '../lib/use-async.js';

/** The failing micro-batches of a streaming run whose row errors are read (the newest first). */
const STREAM_BATCHES_READ = 20;

/**
 * One run: its metrics, the files of its batch, and its row errors (downloadable as CSV). A streaming flow's run (one
 * time window) lists its micro-batches instead of files, and the row errors of the newest ones that failed rows.
 */
export default function RunPage() {
  const { id } = useParams<{ id: string }>();
  const { api } = useApp();
  const run = useAsync(() => flowService(api).run(id!), [api, id]);
  const batchId = run.data ? runBatchId(run.data) : undefined;
  const context = useAsync(async () => {
    if (!run.data) return null;
    const fs = flowService(api);
    const flow = await fs.flow(run.data.flowId);
    const target = flow.targetConnectionIds[0] ? await fs.targetConnection(flow.targetConnectionIds[0]) : undefined;
    return { flow, dataSetId: target?.params?.dataSetId };
  }, [api, run.data?.flowId]);
  const files = useAsync(async () => {
    if (!batchId) return [];
    const da = dataAccess(api);
    const list = await da.batchFiles(batchId);
    const named = await Promise.all(list.map(async (f) => ({ ...f, names: await da.fileListing(f.dataSetFileId) })));
    return named.flatMap((f) => f.names.map((n) => ({ fileId: f.dataSetFileId, name: n.name, size: Number(n.length), records: f.records })));
  }, [api, batchId]);
  const streaming = run.data?.metrics.streamSummary !== undefined;
  const microBatches = useAsync(
    () => (run.data && streaming ? catalog(api).runBatches(run.data.id) : Promise.resolve(undefined)),
    [api, run.data?.id, streaming],
  );
  const failing = (microBatches.data ?? []).filter((b) => (b.failedRecordCount ?? 0) > 0);
  const rowErrors = useAsync(async (): Promise<Array<RowError & { batch?: string }>> => {
    if (batchId) return dataAccess(api).rowErrors(batchId);
    const read = failing.slice(0, STREAM_BATCHES_READ);
    const lists = await Promise.all(read.map(async (b) => (await dataAccess(api).rowErrors(b.id)).map((e) => ({ batch: b.id, ...e }))));
    return lists.flat();
  }, [api, batchId, microBatches.data]);

  if (run.loading && !run.data) return <Loading />;
  if (!run.data) return <ErrorNote error={run.error} />;
  const r = run.data;
  const m = r.metrics;
  const d = m.durationSummary;
  // A streaming flow's run sums up its micro-batches of one time window; each micro-batch is a batch of its own.
  const stream = m.streamSummary;
  const download = async (fileId: string, name: string) => {
    const bytes = await dataAccess(api).download(fileId, name);
    const url = URL.createObjectURL(new Blob([bytes], { type: 'application/octet-stream' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = name.split('/').pop() ?? name;
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  return (
    <section className="stack">
      <p className="crumbs">
        <Link href="/dataflows">Dataflows</Link> / {context.data ? <Link href={`/dataflows/${r.flowId}`}>{context.data.flow.name}</Link> : 'dataflow'}{' '}
        / run
      </p>
      <h1 tabIndex={-1}>Run of {formatTime((stream ? r.windowStartTime : undefined) ?? d?.startedAtUTC ?? r.createdAt)}</h1>
      <dl className="summary">
        <dt>Status</dt>
        <dd>
          <Status value={runStatus(r)} />
        </dd>
        <dt>Records</dt>
        <dd data-testid="run-records">
          {formatNumber(m.recordSummary?.inputRecordCount ?? 0)} in, {formatNumber(m.recordSummary?.outputRecordCount ?? 0)} ingested,{' '}
          {formatNumber(m.recordSummary?.failedRecordCount ?? 0)} failed
        </dd>
        {stream ? (
          <>
            <dt>Window</dt>
            <dd data-testid="run-window">
              {formatTime(r.windowStartTime)} – {formatTime(r.windowEndTime)}
            </dd>
            <dt>Micro-batches</dt>
            <dd>{formatNumber(stream.microBatchCount ?? 0)}</dd>
            <dt>Lag</dt>
            <dd data-testid="run-lag">
              {stream.lagMs === undefined ? '–' : `${formatDuration(stream.lagMs)} behind the stream at the last micro-batch`}
            </dd>
          </>
        ) : (
          <>
            <dt>Files</dt>
            <dd>
              {formatNumber(m.fileSummary?.inputFileCount ?? 0)} read
              {m.fileSummary?.failedFileCount ? `, ${m.fileSummary.failedFileCount} failed` : ''}
            </dd>
          </>
        )}
        <dt>Size</dt>
        <dd>{formatBytes(m.sizeSummary?.inputBytes)} read</dd>
        <dt>{stream ? 'Active for' : 'Duration'}</dt>
        <dd>{formatDuration(d?.startedAtUTC && d.completedAtUTC ? d.completedAtUTC - d.startedAtUTC : undefined)}</dd>
        <dt>Batch</dt>
        <dd>
          {batchId ? <code>{batchId}</code> : stream ? 'one per micro-batch' : 'none'}
          {context.data?.dataSetId ? (
            <>
              {' '}
              in <Link href={`/datasets/${context.data.dataSetId}`}>its dataset</Link>
            </>
          ) : null}
        </dd>
      </dl>
      {m.statusSummary?.errors?.length ? (
        <div className="note error" role="alert">
          {m.statusSummary.errors.map((e, i) => (
            <p key={i}>
              {e.code ? <code>{e.code}</code> : null} {e.message}
            </p>
          ))}
        </div>
      ) : null}
      {stream ? (
        // Each micro-batch is a batch of its own, which names this run.
        <>
          <h2>Micro-batches</h2>
          <ErrorNote error={microBatches.error} />
          <p className="muted" data-testid="run-batches-note">
            {microBatches.data && (stream.microBatchCount ?? 0) > microBatches.data.length
              ? `The newest ${formatNumber(microBatches.data.length)} of ${formatNumber(stream.microBatchCount)}. `
              : ''}
            Each is a batch of the dataset; their files are on{' '}
            {context.data?.dataSetId ? <Link href={`/datasets/${context.data.dataSetId}`}>the dataset’s page</Link> : 'the dataset’s page'}.
          </p>
          <BatchTable caption="Micro-batches" testId="run-micro-batches" batches={microBatches.data} loading={microBatches.loading} />
        </>
      ) : (
        <>
          <h2>Files written</h2>
          {files.loading ? <Loading /> : null}
          <ErrorNote error={files.error} />
          {files.data?.length ? (
            <ul className="plain">
              {files.data.map((f) => (
                <li key={`${f.fileId}/${f.name}`}>
                  <button type="button" className="link" onClick={() => void download(f.fileId, f.name)}>
                    {f.name}
                  </button>{' '}
                  <span className="muted">{formatBytes(f.size)}</span>
                </li>
              ))}
            </ul>
          ) : files.loading ? null : (
            <p className="muted">No files.</p>
          )}
        </>
      )}
      <h2>Row errors</h2>
      {rowErrors.loading ? <Loading /> : null}
      <ErrorNote error={rowErrors.error} />
      {rowErrors.data ? (
        <>
          <div className="actions">
            <button
              type="button"
              disabled={rowErrors.data.length === 0}
              onClick={() => downloadText(`row-errors-${batchId ?? r.id}.csv`, toCsv(rowErrors.data!))}
            >
              Download row errors (CSV)
            </button>
            <span className="muted">
              {rowErrors.data.length} row error(s)
              {failing.length > STREAM_BATCHES_READ ? `, of the newest ${STREAM_BATCHES_READ} micro-batches that failed rows` : ''}
            </span>
          </div>
          <DataTable caption="Row errors" testId="row-errors" rows={rowErrors.data.slice(0, 500)} empty="No row errors." />
        </>
      ) : null}
    </section>
  );
}
