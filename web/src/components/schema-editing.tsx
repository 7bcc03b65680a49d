import { useMemo, useState } from 'react';
import { Link } from 'wouter';
import { schemaEditor, type Descriptor } from '../api/schema-editor.api.js';
import { schemaRegistry, type ResolvedSchema } from '../api/schema-registry.api.js';
import { useApp } from '../app-context.js';
import { useAsync } from '../lib/use-async.js';
import { fieldsOf, leavesOf, type XdmField } from '../lib/xdm-fields.js';
import './schema-editor.css';
import { FieldTree } from './field-tree.js';
import { ErrorNote, Loading } from './ui.js';

/** A descriptor's JSON Pointer (`/_tenant/email`) as the tree's dotted path (`_tenant.email`), and back. */
const pathOf = (pointer: string) => pointer.replace(/^\//, '').split('/').join('.');
const pointerOf = (path: string) => `/${path.split('.').join('/')}`;

/** How a field is named to people: its title, with the path to tell fields of the same title apart. */
const fieldLabel = (field: XdmField | undefined, path: string) => (field?.title ? `${field.title} (${path})` : path);

/**
 * A tenant schema being extended, as AEP's tutorial does it: its field tree with identities marked,
 * a field group added to it by JSON Patch, and identity descriptors set on its fields and removed.
 */
export function SchemaEditing({ schema, reload, initialFieldGroup }: { schema: ResolvedSchema; reload: () => void; initialFieldGroup?: string }) {
  const { api } = useApp();
  const editor = schemaEditor(api);
  const descriptors = useAsync(() => editor.descriptorsOf(schema.$id), [api, schema.$id]);
  const fields = useMemo(() => fieldsOf(schema.properties), [schema]);
  const leaves = useMemo(() => leavesOf(fields), [fields]);
  const byPath = useMemo(() => new Map(leaves.map((f) => [f.path, f])), [leaves]);
  const identities = (descriptors.data ?? []).filter((d) => d['@type'] === 'xdm:descriptorIdentity');
  const badges = useMemo(
    () =>
      new Map(
        identities.flatMap((d) =>
          d['xdm:sourceProperty']
            ? [[pathOf(d['xdm:sourceProperty']), `${d['xdm:isPrimary'] ? 'Primary identity' : 'Identity'}: ${String(d['xdm:namespace'])}`] as const]
            : [],
        ),
      ),
    [identities],
  );
  return (
    <div className="schema-workbench">
      <section className="workbench-tree" aria-labelledby="fields-heading">
        <h2 id="fields-heading">Fields</h2>
        <FieldTree fields={fields} label={`Fields of ${schema.title}`} openDepth={2} badges={badges} showTitles />
      </section>
      <div className="workbench-side stack">
        <AddFieldGroup schema={schema} reload={reload} {...(initialFieldGroup ? { initial: initialFieldGroup } : {})} />
        <Identities
          schema={schema}
          descriptors={descriptors.data}
          loading={descriptors.loading}
          error={descriptors.error}
          reload={descriptors.reload}
          candidates={leaves.filter((f) => f.type === 'string')}
          byPath={byPath}
        />
      </div>
    </div>
  );
}

function AddFieldGroup({ schema, reload, initial }: { schema: ResolvedSchema; reload: () => void; initial?: string }) {
  const { api } = useApp();
  const classId = schema['meta:class'] ?? '';
  const groups = useAsync(() => (classId ? schemaRegistry(api).fieldGroupsFor(classId) : Promise.resolve([])), [api, classId]);
  // A resolved schema names what it is made of in `meta:extends` (its `allOf` may be inlined).
  const inSchema = new Set([...(schema.allOf ?? []).map((p) => p.$ref), ...(schema['meta:extends'] ?? [])]);
  const available = [...new Map((groups.data ?? []).map((g) => [g.$id, g])).values()].filter((g) => !inSchema.has(g.$id));
  const [chosen, setChosen] = useState(initial ?? '');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [added, setAdded] = useState<string | null>(null);
  const selected = available.some((g) => g.$id === chosen) ? chosen : '';
  const add = async () => {
    setBusy(true);
    setError(null);
    setAdded(null);
    try {
      await schemaEditor(api).addFieldGroup(schema.$id, selected);
      setAdded(available.find((g) => g.$id === selected)?.title ?? selected);
      setChosen('');
      reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card stack" aria-labelledby="add-group-heading">
      <h2 id="add-group-heading">Add a field group</h2>
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          if (selected) void add();
        }}
      >
        <label>
          <span>Field group</span>
          <select value={selected} onChange={(e) => setChosen(e.target.value)} disabled={groups.loading && !groups.data}>
            <option value="">Choose a field group…</option>
            {available.map((g) => (
              <option key={g.$id} value={g.$id}>
                {g.title}
              </option>
            ))}
          </select>
        </label>
        {groups.loading && !groups.data ? <Loading label="Loading field groups…" /> : null}
        <ErrorNote error={groups.error} title="Could not list the field groups" />
        <ErrorNote error={error} title="Could not add the field group" />
        {added ? (
          <p className="note ok" role="status">
            Added “{added}”.
          </p>
        ) : null}
        <div className="actions">
          <button type="submit" disabled={!selected || busy}>
            {busy ? 'Adding…' : 'Add field group'}
          </button>
          <Link
            className="button secondary"
            href={`/schemas/fieldgroups/new?class=${encodeURIComponent(classId)}&schema=${encodeURIComponent(schema.$id)}`}
          >
            New field group
          </Link>
        </div>
      </form>
    </section>
  );
}

function Identities(props: {
  schema: ResolvedSchema;
  descriptors: Descriptor[] | undefined;
  loading: boolean;
  error: Error | undefined;
  reload: () => void;
  candidates: XdmField[];
  byPath: Map<string, XdmField>;
}) {
  const { schema, descriptors, candidates, byPath } = props;
  const { api } = useApp();
  const editor = schemaEditor(api);
  const namespaces = useAsync(() => editor.identityNamespaces(), [api]);
  const [field, setField] = useState('');
  const [namespace, setNamespace] = useState('');
  const [primary, setPrimary] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [removeError, setRemoveError] = useState<unknown>(null);
  const namespaceName = (code: unknown) => namespaces.data?.find((n) => n.code === code)?.name ?? String(code ?? '');
  const create = async () => {
    setBusy(true);
    setError(null);
    try {
      await editor.createDescriptor({
        '@type': 'xdm:descriptorIdentity',
        'xdm:sourceSchema': schema.$id,
        'xdm:sourceVersion': 1,
        'xdm:sourceProperty': pointerOf(field),
        'xdm:namespace': namespace,
        'xdm:property': 'xdm:code',
        'xdm:isPrimary': primary,
      });
      setField('');
      setPrimary(false);
      props.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const remove = async (d: Descriptor) => {
    setRemoveError(null);
    try {
      await editor.deleteDescriptor(d['@id']);
      props.reload();
    } catch (err) {
      setRemoveError(err);
    }
  };
  return (
    <section className="card stack" aria-labelledby="identities-heading">
      <h2 id="identities-heading">Identities and descriptors</h2>
      {props.loading && !descriptors ? <Loading label="Loading descriptors…" /> : null}
      <ErrorNote error={props.error} title="Could not list the descriptors" />
      <ErrorNote error={removeError} title="Could not remove the descriptor" />
      {descriptors && descriptors.length === 0 ? <p className="muted">This schema has no descriptors yet.</p> : null}
      {descriptors && descriptors.length > 0 ? (
        <ul className="plain descriptor-list" aria-label="Descriptors">
          {descriptors.map((d) => {
            const path = d['xdm:sourceProperty'] ? pathOf(d['xdm:sourceProperty']) : '';
            const label = path ? fieldLabel(byPath.get(path), path) : 'the whole schema';
            const isIdentity = d['@type'] === 'xdm:descriptorIdentity';
            return (
              <li key={d['@id']} className="descriptor">
                <span className="titled">
                  <strong>{label}</strong>
                  <span className="muted small">
                    {isIdentity ? `Identity in ${namespaceName(d['xdm:namespace'])}` : d['@type']}
                    {d['xdm:isPrimary'] ? ' · primary' : ''}
                  </span>
                </span>
                <button type="button" className="secondary small danger" onClick={() => void remove(d)} aria-label={`Remove descriptor on ${label}`}>
                  Remove
                </button>
              </li>
            );
          })}
        </ul>
      ) : null}
      <form
        className="stack"
        onSubmit={(e) => {
          e.preventDefault();
          void create();
        }}
      >
        <h3>Set an identity</h3>
        <label>
          <span>Identity field</span>
          <select value={field} onChange={(e) => setField(e.target.value)} required>
            <option value="">Choose a string field…</option>
            {candidates.map((f) => (
              <option key={f.path} value={f.path}>
                {fieldLabel(f, f.path)}
              </option>
            ))}
          </select>
        </label>
        <label>
          <span>Identity namespace</span>
          <select value={namespace} onChange={(e) => setNamespace(e.target.value)} required>
            <option value="">Choose a namespace…</option>
            {namespaces.data?.map((n) => (
              <option key={n.code} value={n.code}>
                {n.name} ({n.code})
              </option>
            ))}
          </select>
        </label>
        <ErrorNote error={namespaces.error} title="Could not list the identity namespaces" />
        <label className="check">
          <input type="checkbox" checked={primary} onChange={(e) => setPrimary(e.target.checked)} /> Primary identity
        </label>
        <ErrorNote error={error} title="Could not set the identity" />
        <div className="actions">
          <button type="submit" disabled={busy || !field || !namespace}>
            {busy ? 'Saving…' : 'Set identity'}
          </button>
        </div>
      </form>
    </section>
  );
}
