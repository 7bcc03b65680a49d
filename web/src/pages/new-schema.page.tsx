import { useState, type FormEvent } from 'react';
import { Link, useLocation } from 'wouter';
import { PROFILE_CLASS, schemaRegistry } from '../api/schema-registry.api.js';
import { useApp } from '../app-context.js';
import { ErrorNote } from '../components/ui.js';
import { ClassAndFieldGroups } from '../components/class-and-field-groups.js';

/** Compose a schema: one class and any field groups meant to extend it. */
export default function NewSchemaPage() {
  const { api } = useApp();
  const sr = schemaRegistry(api);
  const [, navigate] = useLocation();
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [classId, setClassId] = useState(PROFILE_CLASS);
  const [groups, setGroups] = useState<string[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
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
        <ClassAndFieldGroups classId={classId} onClassChange={setClassId} groups={groups} onGroupsChange={setGroups} />
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
