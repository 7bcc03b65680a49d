import { useMemo } from 'react';
import { Link, useSearch } from 'wouter';
import { containerOf, schemaRegistry } from '../api/schema-registry.api.js';
import { useApp } from '../app-context.js';
import { FieldTree } from '../components/field-tree.js';
import { SchemaEditing } from '../components/schema-editing.js';
import { ErrorNote, Loading } from '../components/ui.js';
import { ResourceTitle } from '../components/resource-title.js';
import { fieldsOf } from '../lib/xdm-fields.js';
import { useAsync } from '../lib/use-async.js';

/** A class, field group or schema, resolved, as a tree of fields with types. */
export default function SchemaPage() {
  const params = new URLSearchParams(useSearch());
  const id = params.get('id') ?? '';
  const kind = (params.get('kind') ?? 'schemas') as 'schemas' | 'classes' | 'fieldgroups';
  const added = params.get('add');
  const { api } = useApp();
  const resource = useAsync(() => schemaRegistry(api).resolved(containerOf(id), kind, id), [api, id, kind]);
  const fields = useMemo(() => fieldsOf(resource.data?.properties), [resource.data]);
  return (
    <section className="stack">
      <p className="crumbs">
        <Link href="/schemas">Schemas</Link> / {resource.data?.title ?? id}
      </p>
      <h1 tabIndex={-1}>{resource.data?.title ?? 'Schema'}</h1>
      <p className="muted small">
        <code>{id}</code>
      </p>
      {resource.loading && !resource.data ? <Loading /> : null}
      <ErrorNote error={resource.error} />
      {resource.data?.description ? <p>{resource.data.description}</p> : null}
      {resource.data?.['meta:class'] ? (
        <p>
          Class: <ResourceTitle kind="classes" id={resource.data['meta:class']} />
        </p>
      ) : null}
      {resource.data && kind === 'schemas' && containerOf(id) === 'tenant' ? (
        // The org's own schemas can be extended here; the standard ones are read-only.
        <SchemaEditing schema={resource.data} reload={resource.reload} {...(added ? { initialFieldGroup: added } : {})} />
      ) : resource.data ? (
        <FieldTree fields={fields} label={`Fields of ${resource.data.title}`} openDepth={1} />
      ) : null}
    </section>
  );
}
