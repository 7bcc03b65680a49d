import { useState } from 'react';
import { Link } from 'wouter';
import { schemaRegistry } from '../api/schema-registry.api.js';
import { useApp } from '../app-context.js';
import { ErrorNote, Loading } from '../components/ui.js';
import { useAsync } from '../lib/use-async.js';

const TABS = [
  ['schemas', 'Schemas'],
  ['classes', 'Classes'],
  ['fieldgroups', 'Field groups'],
] as const;
type Kind = (typeof TABS)[number][0];

/** The registry: the org's schemas, and the classes and field groups (standard and the org's). */
export default function SchemasPage() {
  const { api } = useApp();
  const [kind, setKind] = useState<Kind>('schemas');
  const [filter, setFilter] = useState('');
  const list = useAsync(() => schemaRegistry(api).listBoth(kind), [api, kind]);
  const shown = (list.data ?? []).filter((r) => `${r.title} ${r.$id}`.toLowerCase().includes(filter.trim().toLowerCase()));
  return (
    <section className="stack">
      <h1 tabIndex={-1}>Schemas</h1>
      <div className="actions">
        <Link href="/schemas/new" className="button">
          Create schema
        </Link>
      </div>
      <div role="tablist" aria-label="Kind" className="tabs">
        {TABS.map(([value, label]) => (
          <button key={value} type="button" role="tab" aria-selected={kind === value} onClick={() => setKind(value)}>
            {label}
          </button>
        ))}
      </div>
      <label className="inline">
        <span>Search</span>
        <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
      </label>
      {list.loading ? <Loading /> : null}
      <ErrorNote error={list.error} />
      <ul className="plain list" role="tabpanel" aria-label={TABS.find(([v]) => v === kind)?.[1]}>
        {shown.slice(0, 300).map((r) => (
          <li key={r.$id}>
            <Link href={`/schemas/view?kind=${kind}&id=${encodeURIComponent(r.$id)}`}>{r.title}</Link> <span className="muted small">{r.$id}</span>
          </li>
        ))}
        {!list.loading && shown.length === 0 ? <li className="muted">None.</li> : null}
      </ul>
    </section>
  );
}
