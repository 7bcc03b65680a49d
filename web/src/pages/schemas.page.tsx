import { useState } from 'react';
import { Link } from 'wouter';
import { containerOf, schemaRegistry, type XdmResource } from '../api/schema-registry.api.js';
import { useApp } from '../app-context.js';
import { ListView } from '../components/list-view.js';
import { useAsync } from '../lib/use-async.js';

const TABS = [
  ['schemas', 'Schemas', 'schema'],
  ['classes', 'Classes', 'class'],
  ['fieldgroups', 'Field groups', 'field group'],
] as const;
type Kind = (typeof TABS)[number][0];

/** The registry: the org's schemas, and the classes and field groups (standard and the org's). */
export default function SchemasPage() {
  const { api } = useApp();
  const [kind, setKind] = useState<Kind>('schemas');
  const list = useAsync(() => schemaRegistry(api).listBoth(kind), [api, kind]);
  const tab = TABS.find(([v]) => v === kind) ?? TABS[0];
  return (
    <section className="stack">
      <h1 tabIndex={-1}>Schemas</h1>
      <div className="actions">
        <Link href="/schemas/new" className="button">
          Create schema
        </Link>
        <Link href="/schemas/fieldgroups/new" className="button secondary">
          Create field group
        </Link>
      </div>
      <div role="tablist" aria-label="Kind" className="tabs">
        {TABS.map(([value, label]) => (
          <button key={value} type="button" role="tab" aria-selected={kind === value} onClick={() => setKind(value)}>
            {label}
          </button>
        ))}
      </div>
      <div role="tabpanel" aria-label={tab[1]}>
        <ListView<XdmResource>
          key={kind}
          caption={tab[1]}
          noun={tab[2]}
          rows={list.data}
          loading={list.loading}
          error={list.error}
          reload={list.reload}
          rowKey={(r) => r.$id}
          rowName={(r) => r.title}
          searchText={(r) => `${r.title} ${r.description ?? ''} ${r.$id}`}
          initialSort={{ key: 'title', descending: false }}
          onDelete={(r) => schemaRegistry(api).delete(kind, r.$id)}
          cannotDelete={(r) => (containerOf(r.$id) === 'global' ? 'A standard resource of XDM: it cannot be deleted' : null)}
          deleteNote={() => (kind === 'schemas' ? 'Datasets on it refuse new batches.' : null)}
          columns={[
            {
              key: 'title',
              label: 'Title',
              sortValue: (r) => r.title,
              cell: (r) => (
                <span className="titled">
                  <Link href={`/schemas/view?kind=${kind}&id=${encodeURIComponent(r.$id)}`}>{r.title}</Link>
                  {r.description ? <span className="muted small">{r.description}</span> : null}
                </span>
              ),
            },
            {
              key: 'owner',
              label: 'Owner',
              sortValue: (r) => containerOf(r.$id),
              cell: (r) => (containerOf(r.$id) === 'global' ? 'Standard (XDM)' : 'Your organization'),
            },
          ]}
        />
      </div>
    </section>
  );
}
