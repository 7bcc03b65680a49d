import { useMemo, useState, type FormEvent } from 'react';
import { Link, useLocation, useSearch } from 'wouter';
import { schemaEditor } from '../api/schema-editor.api.js';
import { ADHOC_CLASS, PROFILE_CLASS, schemaRegistry } from '../api/schema-registry.api.js';
import { useApp } from '../app-context.js';
import { FieldListEditor } from '../components/field-list-editor.js';
import { ErrorNote } from '../components/ui.js';
import { fieldGroupBody, problemsOf, type FieldDraft } from '../lib/field-draft.js';
import { useAsync } from '../lib/use-async.js';

/**
 * Create a tenant field group: a class it extends and a list of fields (any XDM type, nested),
 * sent as AEP's tutorial sends it. Opened from a schema (`?class=…&schema=…`), it goes back there
 * with the new group ready to add.
 */
export default function NewFieldGroupPage() {
  const { api } = useApp();
  const params = new URLSearchParams(useSearch());
  const schemaId = params.get('schema');
  const [, navigate] = useLocation();
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [classId, setClassId] = useState(params.get('class') ?? PROFILE_CLASS);
  const [fields, setFields] = useState<FieldDraft[]>([]);
  const [submitted, setSubmitted] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const classes = useAsync(() => schemaRegistry(api).listBoth('classes'), [api]);
  const tenant = useAsync(() => schemaEditor(api).tenantId(), [api]);
  const problems = useMemo(() => problemsOf(fields), [fields]);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    setError(null);
    if (fields.length === 0) {
      setError(new Error('Add at least one field.'));
      return;
    }
    if (problems.size > 0) {
      setError(new Error(`${problems.size} field${problems.size === 1 ? ' needs' : 's need'} fixing first (marked below).`));
      return;
    }
    if (!tenant.data) {
      setError(tenant.error ?? new Error('The tenant id is still loading.'));
      return;
    }
    setBusy(true);
    try {
      const created = await schemaEditor(api).createFieldGroup(fieldGroupBody({ title, description, classId, tenantId: tenant.data, fields }));
      navigate(
        schemaId
          ? `/schemas/view?kind=schemas&id=${encodeURIComponent(schemaId)}&add=${encodeURIComponent(created.$id)}`
          : `/schemas/view?kind=fieldgroups&id=${encodeURIComponent(created.$id)}`,
      );
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="stack">
      <p className="crumbs">
        <Link href="/schemas">Schemas</Link> / new field group
      </p>
      <h1 tabIndex={-1}>Create field group</h1>
      <form onSubmit={submit} className="stack schema-editor" noValidate>
        <div className="stack narrow">
          <label>
            <span>Title</span>
            <input
              required
              value={title}
              onChange={(e) => {
                setTitle(e.target.value);
                setError(null);
              }}
            />
          </label>
          <label>
            <span>Description</span>
            <input value={description} onChange={(e) => setDescription(e.target.value)} />
          </label>
          <label>
            <span>Class it extends</span>
            <select value={classId} onChange={(e) => setClassId(e.target.value)}>
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
          <ErrorNote error={classes.error} title="Could not list the classes" />
          <ErrorNote error={tenant.error} title="Could not read the tenant id" />
          {tenant.data ? (
            <p className="muted small">
              Fields go under your tenant namespace <code>_{tenant.data}</code>.
            </p>
          ) : null}
        </div>
        <fieldset>
          <legend>Fields ({fields.length})</legend>
          <FieldListEditor fields={fields} onChange={setFields} problems={problems} showProblems={submitted} owner="root" />
        </fieldset>
        <ErrorNote error={error} title="Could not create the field group" />
        <div className="actions">
          <button type="submit" disabled={busy}>
            {busy ? 'Creating…' : 'Create field group'}
          </button>
          {schemaId ? (
            <Link href={`/schemas/view?kind=schemas&id=${encodeURIComponent(schemaId)}`} className="button secondary">
              Cancel
            </Link>
          ) : null}
        </div>
      </form>
    </section>
  );
}
