import { useEffect, useState } from 'react';
import { flowService, type PreviewOptions } from '../../api/flow-service.api.js';
import { useApp } from '../../app-context.js';
import { DataTable, ErrorNote, flattenRow, Loading } from '../../components/ui.js';
import type { StepProps } from './wizard-state.js';

const DELIMITERS: Array<[string, string]> = [
  [',', 'Comma (,)'],
  [';', 'Semicolon (;)'],
  ['\t', 'Tab'],
  ['|', 'Pipe (|)'],
];
const COMPRESSIONS = ['none', 'gzip', 'bzip2', 'deflate', 'zipDeflate', 'tarGzip', 'tar'];

/** Step 3: the first rows of the file with detected columns and types; format options re-run the preview. */
export function PreviewStep({ state, update, next }: StepProps) {
  const { api } = useApp();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [custom, setCustom] = useState(!DELIMITERS.some(([d]) => d === state.options.columnDelimiter));
  const options = state.options;

  // biome-ignore lint/correctness/useExhaustiveDependencies: the preview depends on the file and the options it is read with, listed one by one.
  useEffect(() => {
    let stale = false;
    setLoading(true);
    setError(null);
    flowService(api)
      .preview(state.connection!.id, state.source!.previewFile, options)
      .then(
        (preview) => !stale && update({ preview }),
        (err: unknown) => !stale && (setError(err), update({ preview: undefined })),
      )
      .finally(() => !stale && setLoading(false));
    return () => {
      stale = true;
    };
  }, [api, state.source?.previewFile, options.fileType, options.columnDelimiter, options.encoding, options.compressionType]);

  const set = (patch: Partial<PreviewOptions>) => update({ options: { ...options, ...patch } });
  const columns = state.preview?.schema.columns ?? [];
  return (
    <div className="stack">
      <p>
        Previewing <code>{state.source!.previewFile}</code>
      </p>
      <div className="options">
        <label>
          <span>Data format</span>
          <select value={options.fileType} onChange={(e) => set({ fileType: e.target.value as PreviewOptions['fileType'] })}>
            <option value="delimited">Delimited</option>
            <option value="json">JSON</option>
            <option value="parquet">Parquet</option>
          </select>
        </label>
        {options.fileType === 'delimited' ? (
          <label>
            <span>Delimiter</span>
            <select
              value={custom ? 'custom' : options.columnDelimiter}
              onChange={(e) => {
                if (e.target.value === 'custom') setCustom(true);
                else setCustom(false), set({ columnDelimiter: e.target.value });
              }}
            >
              {DELIMITERS.map(([d, label]) => (
                <option key={label} value={d}>
                  {label}
                </option>
              ))}
              <option value="custom">Other…</option>
            </select>
          </label>
        ) : null}
        {custom && options.fileType === 'delimited' ? (
          <label>
            <span>Custom delimiter</span>
            <input
              maxLength={1}
              size={2}
              value={options.columnDelimiter ?? ''}
              onChange={(e) => e.target.value && set({ columnDelimiter: e.target.value })}
            />
          </label>
        ) : null}
        <label>
          <span>Encoding</span>
          <select value={options.encoding} onChange={(e) => set({ encoding: e.target.value })}>
            <option>UTF-8</option>
            <option>ISO-8859-1</option>
          </select>
        </label>
        <label>
          <span>Compression</span>
          <select value={options.compressionType} onChange={(e) => set({ compressionType: e.target.value })}>
            {COMPRESSIONS.map((c) => (
              <option key={c}>{c}</option>
            ))}
          </select>
        </label>
      </div>
      {loading ? <Loading label="Reading the file…" /> : null}
      <ErrorNote error={error} title="Preview failed" />
      {state.preview ? (
        <>
          <p className="muted">
            {columns.length} columns detected · {state.preview.data.length} rows shown
            {state.preview.invalidRows?.length ? ` · ${state.preview.invalidRows.length} unreadable` : ''}
          </p>
          <DataTable
            caption="File preview"
            testId="file-preview"
            rows={state.preview.data.map((r) => flattenRow(r))}
            columns={columns.map((c) => ({ key: c.name, label: c.name }))}
            subtitles={Object.fromEntries(columns.map((c) => [c.name, c.type]))}
          />
          <InvalidRows rows={state.preview.invalidRows ?? []} />
        </>
      ) : null}
      <div className="actions">
        <button type="button" onClick={next} disabled={!state.preview || loading}>
          Next
        </button>
      </div>
    </div>
  );
}

/** The records of the previewed part of the file that cannot become rows: shown, so a broken line is not silently missing. */
function InvalidRows({ rows }: { rows: Array<{ row: number; code: string; message: string }> }) {
  if (rows.length === 0) return null;
  return (
    <div className="note warn" role="status" aria-label="Rows that cannot be read">
      <p>{rows.length === 1 ? '1 row' : `${rows.length} rows`} of the preview cannot be read and would fail at ingestion:</p>
      <ul>
        {rows.map((r) => (
          <li key={r.row}>
            Row {r.row.toLocaleString()}: {r.message} <code>{r.code}</code>
          </li>
        ))}
      </ul>
    </div>
  );
}
