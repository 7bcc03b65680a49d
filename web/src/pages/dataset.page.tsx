import { useRef, useState, type FormEvent } from 'react';
import { Link, useParams } from 'wouter';
import type { Api } from '../api/client.js';
import { catalog } from '../api/catalog.api.js';
import { dataAccess } from '../api/export.api.js';
import { queryService, type QueryResult } from '../api/query.api.js';
import { useApp } from '../app-context.js';
import { DataTable, ErrorNote, flattenRow, Loading } from '../components/ui.js';
import { ResourceTitle } from '../components/resource-title.js';
import { BatchTable } from '../components/batch-table.js';
import { useAsync } from '../lib/use-async.js';

const PREVIEW_ROWS = 100;

/** The first rows of a dataset: the preview endpoint when the server has it, else its Parquet read in the browser. */
async function previewRows(api: Api, dataSetId: string, hasPreviewRoute: boolean): Promise<Array<Record<string, unknown>>> {
  if (hasPreviewRoute) {
    const body = (await dataAccess(api).datasetPreview(dataSetId)) as Record<string, unknown> | unknown[];
    const rows = Array.isArray(body)
      ? body
      : ((body.data ?? body.rows ?? (body.preview as { rows?: unknown[] } | undefined)?.rows ?? []) as unknown[]);
    return rows as Array<Record<string, unknown>>;
  }
  const batches = (await catalog(api).batches(dataSetId)).filter((b) => ['success', 'active'].includes(b.status));
  const da = dataAccess(api);
  const { readParquetRows } = await import('../lib/parquet.js');
  const rows: Array<Record<string, unknown>> = [];
  for (const batch of [...batches].reverse()) {
    for (const file of await da.batchFiles(batch.id)) {
      for (const entry of await da.fileListing(file.dataSetFileId)) {
        if (!entry.name.endsWith('.parquet')) continue;
        rows.push(...(await readParquetRows(await da.download(file.dataSetFileId, entry.name), PREVIEW_ROWS - rows.length)));
        if (rows.length >= PREVIEW_ROWS) return rows;
      }
    }
  }
  return rows;
}

export default function DatasetPage() {
  const { id } = useParams<{ id: string }>();
  const { api, capabilities } = useApp();
  const dataSet = useAsync(() => catalog(api).dataSet(id!), [api, id]);
  const batches = useAsync(() => catalog(api).batches(id!), [api, id]);
  const preview = useAsync(() => previewRows(api, id!, capabilities.datasetPreview), [api, id]);
  return (
    <section className="stack">
      <p className="crumbs">
        <Link href="/datasets">Datasets</Link> / {dataSet.data?.name ?? id}
      </p>
      <h1 tabIndex={-1}>{dataSet.data?.name ?? 'Dataset'}</h1>
      <ErrorNote error={dataSet.error} />
      {dataSet.data?.schemaRef ? (
        <p>
          Schema: <ResourceTitle kind="schemas" id={dataSet.data.schemaRef.id} />
        </p>
      ) : null}
      <h2>Batches</h2>
      <ErrorNote error={batches.error} />
      <BatchTable caption="Batches" batches={batches.data} loading={batches.loading} />
      <SqlBox dataSetId={id!} />
      <h2>Preview</h2>
      <div className="actions">
        <button type="button" className="secondary" onClick={() => (preview.reload(), batches.reload())}>
          Refresh preview
        </button>
      </div>
      {preview.loading ? <Loading label="Reading rows…" /> : null}
      <ErrorNote error={preview.error} title="Preview failed" />
      {preview.data && !preview.loading ? (
        <DataTable caption="Dataset preview" testId="dataset-preview" rows={preview.data.map((r) => flattenRow(r))} empty="No rows yet." />
      ) : null}
    </section>
  );
}

/** A SQL box over the Query Service, when this server has it. */
function SqlBox({ dataSetId }: { dataSetId: string }) {
  const { api, capabilities } = useApp();
  // A dataset is a table under its id (quoted: ids may start with a digit).
  const [sql, setSql] = useState(`SELECT * FROM "${dataSetId}" LIMIT 10`);
  const [result, setResult] = useState<QueryResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const cancel = useRef({ cancelled: false });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    cancel.current = { cancelled: false };
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await queryService(api).run(sql, cancel.current));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="sql-heading" className="stack">
      <h2 id="sql-heading">SQL</h2>
      {capabilities.query ? (
        <form onSubmit={submit} className="stack">
          <label>
            <span>Query</span>
            <textarea rows={4} value={sql} onChange={(e) => setSql(e.target.value)} className="mono" />
          </label>
          <div className="actions">
            <button type="submit" disabled={busy}>
              {busy ? 'Running…' : 'Run query'}
            </button>
            {busy ? (
              <button type="button" className="secondary" onClick={() => (cancel.current.cancelled = true)}>
                Stop waiting
              </button>
            ) : null}
          </div>
          <ErrorNote error={error} title="Query failed" />
          {result ? (
            <>
              <p className="muted">
                {result.rows.length} row(s){result.truncated ? ' (truncated)' : ''}
              </p>
              <DataTable
                caption="Query results"
                testId="sql-results"
                rows={result.columns.length ? result.rows : result.rows.map((r) => flattenRow(r))}
                columns={result.columns.length ? result.columns.map((c) => ({ key: c })) : undefined}
              />
            </>
          ) : null}
        </form>
      ) : (
        <p className="muted">This server has no Query Service yet; the SQL box appears once it does.</p>
      )}
    </section>
  );
}
