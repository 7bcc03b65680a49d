import { useState, type FormEvent } from 'react';
import { Link, useLocation } from 'wouter';
import { ADHOC_CLASS, PROFILE_CLASS, schemaRegistry } from '../api/schema-registry.api.js';
import { useApp } from '../app-context.js';
import { ErrorNote, Loading } from '../components/ui.js';
import { useAsync } from '../lib/use-async.js';

/** Compose a schema: one class and any field groups meant to extend it. */
export default function NewSchemaPage() {
  const { api } = useApp();
  const sr = schemaRegistry(api);
  const [, navigate] = useLocation();
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [classId, setClassId] = useState(PROFILE_CLASS);
  const [groups, setGroups] = useState<string[]>([]);
  const [filter, setFilter] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const classes = useAsync(() => sr.listBoth('classes'), [api]);
  const fieldGroups = useAsync(() => sr.fieldGroupsFor(classId), [api, classId]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await sr.createSchema({ type: 'object', title, description, allOf: [{ $ref: classId }, ...groups.map(($ref) => ({ $ref }))] });
      navigate(`/schemas/view?kind=schemas&id=${encodeURIComponent(created.$id)}`);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="stack">
      <p className="crumbs">
        <Link href="/schemas">Schemas</Link> / new
      </p>
      <h1 tabIndex={-1}>Create schema</h1>
      <form onSubmit={submit} className="stack narrow">
        <label>
          <span>Title</span>
          <input required value={title} onChange={(e) => setTitle(e.target.value)} />
        </label>
        <label>
          <span>Description</span>
          <input value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
        <label>
          <span>Class</span>
          <select value={classId} onChange={(e) => (setClassId(e.target.value), setGroups([]))}>
            {classes.data?.some((c) => c.$id === classId) ? null : <option value={classId}>{classId}</option>}
            {classes.data
              ?.filter((c) => c.$id !== ADHOC_CLASS)
              .map((c) => (
                <option key={c.$id} value={c.$id}>
                  {c.title}
                </option>
              ))}
          </select>
        </label>
        <fieldset>
          <legend>Field groups ({groups.length} chosen)</legend>
          <label className="inline">
            <span>Filter field groups</span>
            <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
          </label>
          {fieldGroups.loading ? <Loading /> : null}
          <div className="checklist" role="group" aria-label="Field groups">
            {(fieldGroups.data ?? [])
              .filter((g) => groups.includes(g.$id) || g.title.toLowerCase().includes(filter.trim().toLowerCase()))
              .map((g) => (
                <label key={g.$id} className="check">
                  <input type="checkbox" checked={groups.includes(g.$id)} onChange={(e) => setGroups((l) => (e.target.checked ? [...l, g.$id] : l.filter((x) => x !== g.$id)))} /> {g.title}
                </label>
              ))}
          </div>
        </fieldset>
        <ErrorNote error={error} title="Could not create the schema" />
        <div className="actions">
          <button type="submit" disabled={busy}>
            {busy ? 'Creating…' : 'Create schema'}
          </button>
        </div>
      </form>
    </section>
  );
}
