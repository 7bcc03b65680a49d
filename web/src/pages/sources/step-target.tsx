import { useState, type FormEvent } from 'react';
import { catalog } from '../../api/catalog.api.js';
import { ADHOC_CLASS, containerOf, PROFILE_CLASS, schemaRegistry } from '../../api/schema-registry.api.js';
import { ClassAndFieldGroups } from '../../components/class-and-field-groups.js';
import type { Column } from '../../api/flow-service.api.js';
import { useApp } from '../../app-context.js';
import { ErrorNote, Loading } from '../../components/ui.js';
import { useAsync } from '../../lib/use-async.js';
import { columnsOf, type StepProps, type TargetChoice } from './wizard-state.js';

type SchemaMode = 'existing' | 'compose' | 'adhoc';

const XDM_TYPE: Record<string, string> = {
  integer: 'integer',
  long: 'integer',
  double: 'number',
  number: 'number',
  boolean: 'boolean',
  date: 'date',
};

/** An XDM field name for a column: letters, digits and underscores only. */
export function fieldName(column: string): string {
  const cleaned = column.trim().replace(/[^A-Za-z0-9_]/g, '_');
  return /^[A-Za-z_]/.test(cleaned) ? cleaned : `_${cleaned}`;
}

/** The ad hoc class AEP builds for raw columns: every column a field under `_adhoc` (the registry moves them to a namespace of their own). */
export function adhocClassBody(title: string, columns: Column[]) {
  return {
    title,
    type: 'object',
    'meta:extends': [ADHOC_CLASS],
    'meta:datasetNamespace': '_adhoc',
    allOf: [
      { $ref: ADHOC_CLASS },
      {
        properties: {
          _adhoc: {
            type: 'object',
            properties: Object.fromEntries(columns.map((c) => [fieldName(c.name), { type: XDM_TYPE[c.type.toLowerCase()] ?? 'string' }])),
          },
        },
      },
    ],
  };
}

/** Step 4: an existing dataset, or a new one on an existing, composed or ad hoc schema. */
export function TargetStep({ state, update, next }: StepProps) {
  const { api } = useApp();
  const sr = schemaRegistry(api);
  const [mode, setMode] = useState<'existing' | 'new'>(state.target?.mode ?? 'new');
  const [dataSetId, setDataSetId] = useState(state.target?.mode === 'existing' ? state.target.dataSetId : '');
  const [dataSetName, setDataSetName] = useState(
    state.target?.mode === 'new' ? state.target.dataSetName : `${state.flowName.replace(/ dataflow$/, '')} dataset`,
  );
  const [schemaMode, setSchemaMode] = useState<SchemaMode>('compose');
  const [schemaId, setSchemaId] = useState('');
  const [classId, setClassId] = useState(PROFILE_CLASS);
  const [groups, setGroups] = useState<string[]>([]);
  const [schemaTitle, setSchemaTitle] = useState(`${dataSetName} schema`);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const dataSets = useAsync(() => catalog(api).dataSets(), [api]);
  const schemas = useAsync(
    () => (mode === 'new' && schemaMode === 'existing' ? sr.list('tenant', 'schemas') : Promise.resolve([])),
    [api, mode, schemaMode],
  );

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      let target: TargetChoice;
      if (mode === 'existing') {
        const ds = dataSets.data?.find((d) => d.id === dataSetId);
        if (!ds?.schemaRef?.id) throw new Error('Choose a dataset that has a schema');
        target = { mode: 'existing', dataSetId: ds.id, dataSetName: ds.name, schemaId: ds.schemaRef.id };
      } else {
        let id = schemaId;
        if (schemaMode === 'compose') {
          const created = await sr.createSchema({
            type: 'object',
            title: schemaTitle,
            allOf: [{ $ref: classId }, ...groups.map(($ref) => ({ $ref }))],
          });
          id = created.$id;
        } else if (schemaMode === 'adhoc') {
          const adhoc = await sr.createClass(adhocClassBody(`${schemaTitle} class`, columnsOf(state)));
          id = (await sr.createSchema({ type: 'object', title: schemaTitle, allOf: [{ $ref: adhoc.$id }] })).$id;
        }
        if (!id) throw new Error('Choose a schema');
        target = { mode: 'new', dataSetName, schemaId: id };
      }
      const targetSchema = await sr.resolved(containerOf(target.schemaId), 'schemas', target.schemaId);
      // Mappings made for another schema would point at fields it may not have.
      const keep = state.target?.schemaId === target.schemaId;
      update({ target, targetSchema, ...(keep ? {} : { mappings: [] }) });
      next();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} className="stack narrow">
      <fieldset className="segmented">
        <legend>Dataset</legend>
        <label className="check">
          <input type="radio" name="target-mode" checked={mode === 'new'} onChange={() => setMode('new')} /> New dataset
        </label>
        <label className="check">
          <input type="radio" name="target-mode" checked={mode === 'existing'} onChange={() => setMode('existing')} /> Existing dataset
        </label>
      </fieldset>
      {mode === 'existing' ? (
        <label>
          <span>Dataset</span>
          {dataSets.loading ? <Loading /> : null}
          <select required value={dataSetId} onChange={(e) => setDataSetId(e.target.value)}>
            <option value="">Choose…</option>
            {dataSets.data?.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
        </label>
      ) : (
        <>
          <label>
            <span>Dataset name</span>
            <input required value={dataSetName} onChange={(e) => setDataSetName(e.target.value)} />
          </label>
          <fieldset className="segmented">
            <legend>Schema</legend>
            <label className="check">
              <input type="radio" name="schema-mode" checked={schemaMode === 'compose'} onChange={() => setSchemaMode('compose')} /> New: class and
              field groups
            </label>
            <label className="check">
              <input type="radio" name="schema-mode" checked={schemaMode === 'adhoc'} onChange={() => setSchemaMode('adhoc')} /> New: ad hoc from the
              {state.kind === 'files' ? ' file’s columns' : ' records’ fields'}
            </label>
            <label className="check">
              <input type="radio" name="schema-mode" checked={schemaMode === 'existing'} onChange={() => setSchemaMode('existing')} /> Existing schema
            </label>
          </fieldset>
          {schemaMode === 'existing' ? (
            <label>
              <span>Schema</span>
              <select required value={schemaId} onChange={(e) => setSchemaId(e.target.value)}>
                <option value="">Choose…</option>
                {schemas.data?.map((s) => (
                  <option key={s.$id} value={s.$id}>
                    {s.title}
                  </option>
                ))}
              </select>
            </label>
          ) : (
            <label>
              <span>Schema title</span>
              <input required value={schemaTitle} onChange={(e) => setSchemaTitle(e.target.value)} />
            </label>
          )}
          {schemaMode === 'compose' ? (
            <ClassAndFieldGroups classId={classId} onClassChange={setClassId} groups={groups} onGroupsChange={setGroups} />
          ) : null}
          {schemaMode === 'adhoc' ? (
            <p className="muted">
              One string, number or boolean field per column, under the schema’s own namespace:{' '}
              {columnsOf(state)
                .map((c) => fieldName(c.name))
                .join(', ') || (state.kind === 'files' ? 'preview a file first' : 'preview or type sample records first')}
            </p>
          ) : null}
        </>
      )}
      <ErrorNote error={error} />
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Preparing the schema…' : 'Next'}
        </button>
      </div>
    </form>
  );
}
