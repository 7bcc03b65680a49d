import { useEffect, useMemo, useState } from 'react';
import { dataPrep, type Mapping, type MappingPreview } from '../../api/data-prep.api.js';
import { useApp } from '../../app-context.js';
import { FieldTree } from '../../components/field-tree.js';
import { DataTable, ErrorNote, flattenRow } from '../../components/ui.js';
import { checkMappedRows, previewLocally } from '../../lib/local-preview.js';
import { useAsync } from '../../lib/use-async.js';
import { fieldsOf, leavesOf, suggestDestination, type XdmField } from '../../lib/xdm-fields.js';
import { columnsOf, type StepProps } from './wizard-state.js';
import { Icon } from '../../components/icon.js';

const PREVIEW_ROWS = 10;

/** Step 5: source columns beside the XDM field tree, suggestions, expressions, and a live preview. */
export function MappingStep({ state, update, next }: StepProps) {
  const { api, capabilities } = useApp();
  const columns = columnsOf(state);
  const fields = useMemo(() => fieldsOf(state.targetSchema?.properties), [state.targetSchema]);
  const leaves = useMemo(() => new Map(leavesOf(fields).map((f) => [f.path, f])), [fields]);
  const [active, setActive] = useState(0);
  const mappings = state.mappings;
  const setMappings = (list: Mapping[]) => update({ mappings: list });
  const change = (i: number, patch: Partial<Mapping>) => setMappings(mappings.map((m, j) => (j === i ? { ...m, ...patch } : m)));

  const suggest = () => {
    const taken = new Set(mappings.map((m) => m.destination).filter(Boolean));
    const mapped = new Set(mappings.filter((m) => m.sourceType === 'ATTRIBUTE').map((m) => m.source));
    const added: Mapping[] = [];
    for (const column of columns) {
      if (mapped.has(column.name)) continue;
      const leaf = suggestDestination(column, [...leaves.values()], taken);
      if (!leaf) continue;
      taken.add(leaf.path);
      added.push({ sourceType: 'ATTRIBUTE', source: column.name, destination: leaf.path });
    }
    setMappings([...mappings, ...added]);
  };
  const add = (mapping: Mapping) => {
    setMappings([...mappings, mapping]);
    setActive(mappings.length);
  };
  const pick = (field: XdmField) => {
    if (mappings[active]) change(active, { destination: field.path });
    else add({ sourceType: 'ATTRIBUTE', source: columns[0]?.name ?? '', destination: field.path });
  };

  const functions = useAsync(() => (capabilities.functions ? dataPrep(api).functions() : Promise.resolve([])), [api, capabilities.functions]);
  const [fnFilter, setFnFilter] = useState('');
  const insertFunction = (name: string) => {
    const current = mappings[active];
    if (current?.sourceType === 'EXPRESSION') change(active, { source: `${current.source}${name}()` });
    else add({ sourceType: 'EXPRESSION', source: `${name}()`, destination: '' });
  };

  // The preview follows the mappings, a moment after the last edit.
  const [preview, setPreview] = useState<MappingPreview & { by: string }>({ rows: [], errors: [], by: '' });
  const [previewError, setPreviewError] = useState<unknown>(null);
  const complete = mappings.filter((m) => m.source && m.destination);
  const unknownDestinations = complete.filter((m) => !leaves.has(m.destination)).map((m) => m.destination);
  const duplicate = new Set(complete.map((m) => m.destination)).size !== complete.length ? 'Two mappings write the same field.' : null;
  // The server refuses a mapping set with an unknown or doubled destination (400): while one is being typed,
  // the page says so itself (below) and asks the server only once the set could be saved.
  const serverCanPreview = capabilities.mappingPreview && unknownDestinations.length === 0 && !duplicate;
  const key = JSON.stringify([complete, serverCanPreview]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for every input of the preview (the mappings, rows and schema it serialises).
  useEffect(() => {
    let stale = false;
    const rows = (state.preview?.data ?? []).slice(0, PREVIEW_ROWS);
    const timer = setTimeout(async () => {
      setPreviewError(null);
      try {
        let result: MappingPreview & { by: string };
        if (serverCanPreview) {
          const server = await dataPrep(api).preview(state.target!.schemaId, complete, rows);
          const checks = checkMappedRows(server.rows, leaves).filter((e) => !server.errors.includes(e));
          result = { rows: server.rows, errors: [...server.errors, ...checks], by: 'the server' };
        } else {
          result = { ...previewLocally(complete, rows, leaves), by: 'the browser (attribute mappings only)' };
        }
        if (!stale) setPreview(result);
      } catch (err) {
        if (!stale) setPreviewError(err);
      }
    }, 300);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [key, api]);

  const destinations = [...new Set(mappings.map((m) => m.destination).filter(Boolean))];

  return (
    <div className="stack">
      <div className="actions">
        <button type="button" onClick={suggest}>
          Suggest mappings
        </button>
        <button type="button" className="secondary" onClick={() => add({ sourceType: 'ATTRIBUTE', source: columns[0]?.name ?? '', destination: '' })}>
          Add mapping
        </button>
        <button type="button" className="secondary" onClick={() => add({ sourceType: 'EXPRESSION', source: '', destination: '' })}>
          Add calculated field
        </button>
      </div>
      <div className="mapping-grid">
        <section aria-labelledby="source-columns">
          <h2 id="source-columns">Source columns</h2>
          <ul className="plain">
            {columns.map((c) => (
              <li key={c.name}>
                <button
                  type="button"
                  className="link"
                  onClick={() => add({ sourceType: 'ATTRIBUTE', source: c.name, destination: '' })}
                  aria-label={`Map column ${c.name}`}
                >
                  {c.name}
                </button>{' '}
                <span className="field-type">{c.type}</span>
              </li>
            ))}
          </ul>
        </section>
        <section aria-labelledby="mapping-list">
          <h2 id="mapping-list">Mappings ({complete.length})</h2>
          <datalist id="xdm-paths">
            {[...leaves.keys()].map((p) => (
              <option key={p} value={p} />
            ))}
          </datalist>
          <ol className="mappings">
            {mappings.map((m, i) => (
              <li key={i} className={i === active ? 'active' : undefined} onFocus={() => setActive(i)} data-testid="mapping-row">
                <fieldset>
                  <legend className="sr-only">Mapping {i + 1}</legend>
                  <label>
                    <span className="sr-only">Kind of mapping {i + 1}</span>
                    <select value={m.sourceType} onChange={(e) => change(i, { sourceType: e.target.value as Mapping['sourceType'], source: '' })}>
                      <option value="ATTRIBUTE">Column</option>
                      <option value="EXPRESSION">Expression</option>
                    </select>
                  </label>
                  {m.sourceType === 'ATTRIBUTE' ? (
                    <label>
                      <span className="sr-only">Source of mapping {i + 1}</span>
                      <select value={m.source} onChange={(e) => change(i, { source: e.target.value })} aria-label={`Source of mapping ${i + 1}`}>
                        <option value="">Choose a column…</option>
                        {columns.map((c) => (
                          <option key={c.name}>{c.name}</option>
                        ))}
                      </select>
                    </label>
                  ) : (
                    <label>
                      <span className="sr-only">Expression of mapping {i + 1}</span>
                      <input
                        value={m.source}
                        onChange={(e) => change(i, { source: e.target.value })}
                        placeholder="concat(first_name, ' ', last_name)"
                        aria-label={`Expression of mapping ${i + 1}`}
                      />
                    </label>
                  )}
                  <span aria-hidden="true">
                    <Icon name="arrow-right" />
                  </span>
                  <label>
                    <span className="sr-only">Target field of mapping {i + 1}</span>
                    <input
                      list="xdm-paths"
                      value={m.destination}
                      onChange={(e) => change(i, { destination: e.target.value })}
                      placeholder="pick in the tree or type a path"
                      aria-label={`Target field of mapping ${i + 1}`}
                      aria-invalid={Boolean(m.destination) && !leaves.has(m.destination)}
                    />
                  </label>
                  <button
                    type="button"
                    className="secondary small"
                    onClick={() => setMappings(mappings.filter((_, j) => j !== i))}
                    aria-label={`Remove mapping ${i + 1}`}
                  >
                    <Icon name="close" />
                  </button>
                </fieldset>
              </li>
            ))}
          </ol>
          {mappings.length === 0 ? <p className="muted">No mappings yet: suggest some, or add them one by one.</p> : null}
        </section>
        <section aria-labelledby="target-fields">
          <h2 id="target-fields">Target fields</h2>
          <p className="muted small">Choosing a field sets the target of mapping {active + 1}.</p>
          <FieldTree fields={fields} label="Target schema fields" onPick={pick} marked={new Set(destinations)} />
        </section>
      </div>
      {capabilities.functions ? (
        <details className="functions">
          <summary>Functions ({functions.data?.length ?? 0})</summary>
          <label className="inline">
            <span>Filter functions</span>
            <input type="search" value={fnFilter} onChange={(e) => setFnFilter(e.target.value)} />
          </label>
          <ErrorNote error={functions.error} />
          <ul className="plain fn-list">
            {(functions.data ?? [])
              .filter((f) => `${f.function} ${f.category ?? ''} ${f.description ?? ''}`.toLowerCase().includes(fnFilter.toLowerCase()))
              .slice(0, 200)
              .map((f) => (
                <li key={`${f.category}-${f.function}`}>
                  <button type="button" className="link" onClick={() => insertFunction(f.function)} aria-label={`Insert function ${f.function}`}>
                    <code>{f.syntax ?? `${f.function}()`}</code>
                  </button>
                  {f.description ? <span className="muted"> — {f.description}</span> : null}
                </li>
              ))}
          </ul>
        </details>
      ) : (
        <p className="muted small">This server does not list Data Prep functions yet; expressions are checked when the dataflow is created.</p>
      )}
      <section aria-labelledby="mapped-preview" className="stack">
        <h2 id="mapped-preview">Preview of mapped rows</h2>
        <p className="muted small">
          First {PREVIEW_ROWS} rows, mapped by {preview.by || '…'}.
        </p>
        <ErrorNote error={previewError} title="Preview failed" />
        <DataTable caption="Mapped rows" testId="mapped-preview" rows={preview.rows.map((r) => flattenRow(r))} empty="Nothing mapped yet." />
        {preview.errors.length > 0 ? (
          <div className="note warn" data-testid="mapping-errors">
            <strong>{preview.errors.length} row error(s)</strong> — these rows would be kept aside as row errors:
            <ul>
              {preview.errors.slice(0, 20).map((e, i) => (
                <li key={i}>{e}</li>
              ))}
            </ul>
          </div>
        ) : null}
      </section>
      {unknownDestinations.length ? <p className="note warn">Not in the target schema: {unknownDestinations.join(', ')}</p> : null}
      {duplicate ? <p className="note warn">{duplicate}</p> : null}
      <div className="actions">
        <button type="button" onClick={next} disabled={complete.length === 0 || unknownDestinations.length > 0 || Boolean(duplicate)}>
          Next
        </button>
      </div>
    </div>
  );
}
