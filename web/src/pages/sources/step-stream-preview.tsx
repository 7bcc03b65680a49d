import { useEffect, useState } from 'react';
import { type FilePreview, flowService } from '../../api/flow-service.api.js';
import { useApp } from '../../app-context.js';
import { InletAddress } from '../../components/inlet-address.js';
import { DataTable, ErrorNote, flattenRow, Loading } from '../../components/ui.js';
import { inferColumns } from '../../../../src/pipeline/infer-columns.js';
import { parseSample, recordsPreview } from '../../lib/stream-records.js';
import type { StepProps, StreamParams } from './wizard-state.js';

/**
 * The records of a stream source before it is mapped: the most recent ones the stream (or the inlet) holds, with
 * the columns inferred from them; or sample records typed in, for a stream or an inlet that holds none yet.
 */
export function StreamPreviewStep({ state, update, next }: StepProps) {
  const { api } = useApp();
  const inlet = state.kind === 'inlet';
  // An inlet is its connection's only stream, named by its inlet id.
  const stream = inlet ? state.connection?.inletId : state.stream;
  const dataType = state.streamParams.dataType;
  const [read, setRead] = useState<FilePreview | null>(null);
  const [reading, setReading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  const [sample, setSample] = useState('');
  const [sampleError, setSampleError] = useState<string | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: reads again when asked (`attempt`) or when the stream changes.
  useEffect(() => {
    if (!stream) return;
    let stale = false;
    setReading(true);
    setError(null);
    flowService(api)
      .previewStream(state.connection!.id, stream)
      .then(
        (preview) => !stale && setRead(preview),
        (err: unknown) => {
          if (stale) return;
          setError(err);
          setRead(null);
        },
      )
      .finally(() => !stale && setReading(false));
    return () => {
      stale = true;
    };
  }, [api, stream, attempt]);

  // The rows the mapping step works with: typed samples win over what was read, and XDM envelopes become their entities.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `update` is a new function on each render of the wizard.
  useEffect(() => {
    let rows: Array<Record<string, unknown>> | null = null;
    try {
      rows = sample.trim() ? parseSample(sample) : null;
      setSampleError(null);
    } catch (err) {
      setSampleError(err instanceof Error ? err.message : String(err));
    }
    if (rows) update({ preview: { format: 'json', schema: { columns: inferColumns(rows) }, data: rows } });
    else if (read && read.data.length > 0) update({ preview: recordsPreview(read, dataType) });
    else update({ preview: undefined });
  }, [read, sample, dataType]);

  const setParams = (patch: Partial<StreamParams>) => update({ streamParams: { ...state.streamParams, ...patch } });
  const preview = state.preview;
  const columns = preview?.schema.columns ?? [];
  return (
    <div className="stack">
      {inlet && state.connection?.inletUrl ? (
        <>
          <p>Nothing is read from an inlet until records are posted to it. Post one now and read again, or type a sample below.</p>
          <InletAddress inletUrl={state.connection.inletUrl} authenticationRequired={state.connection.authenticationRequired ?? false} />
        </>
      ) : (
        <p>
          The most recent records of <code>{stream}</code>
        </p>
      )}
      <div className="options">
        <label>
          <span>Records are</span>
          <select value={dataType} onChange={(e) => setParams({ dataType: e.target.value as StreamParams['dataType'] })}>
            <option value="raw">Raw JSON</option>
            <option value="xdm">XDM entities or envelopes</option>
          </select>
        </label>
        <div className="actions">
          <button type="button" className="secondary" onClick={() => setAttempt((n) => n + 1)} disabled={reading}>
            Read again
          </button>
        </div>
      </div>
      {dataType === 'xdm' ? (
        <p className="muted small">
          An envelope (<code>header</code>, <code>body.xdmEntity</code>) is unwrapped: its entity is the record that is mapped.
        </p>
      ) : null}
      {reading ? <Loading label="Reading recent records…" /> : null}
      <ErrorNote error={error} title="Could not read the stream" />
      {!reading && read && read.data.length === 0 ? <p className="muted">No records yet.</p> : null}
      <label>
        <span>Sample records (optional)</span>
        <textarea
          rows={4}
          value={sample}
          onChange={(e) => setSample(e.target.value)}
          placeholder='{"id": "r1", "first_name": "Ada", "email": "ada@example.com"}'
          aria-describedby="sample-help"
        />
        <small id="sample-help" className="muted help">
          One JSON object, an array of them, or one per line; the columns to map are taken from them instead of from the stream.
        </small>
      </label>
      {sampleError ? (
        <p className="note warn" role="alert">
          The sample cannot be read: {sampleError}.
        </p>
      ) : null}
      {preview ? (
        <>
          <p className="muted">
            {columns.length} columns detected · {preview.data.length} records shown
            {preview.invalidRows?.length ? ` · ${preview.invalidRows.length} unreadable` : ''}
          </p>
          <DataTable
            caption="Stream preview"
            testId="stream-preview"
            rows={preview.data.map((r) => flattenRow(r))}
            columns={columns.map((c) => ({ key: c.name, label: c.name }))}
            subtitles={Object.fromEntries(columns.map((c) => [c.name, c.type]))}
          />
        </>
      ) : null}
      <div className="actions">
        <button type="button" onClick={next} disabled={!preview || columns.length === 0 || reading}>
          Next
        </button>
      </div>
    </div>
  );
}
