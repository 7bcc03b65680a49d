import { useState } from 'react';
import { Link } from 'wouter';
import { DATA_LAKE_SPEC, flowService, specLabel } from '../../api/flow-service.api.js';
import { useApp } from '../../app-context.js';
import { ConnectorLogo } from '../../components/connector-logo.js';
import { ErrorNote, Loading } from '../../components/ui.js';
import { useAsync } from '../../lib/use-async.js';

/** The catalog of source connectors: each card starts the sources workflow for its connector. */
export default function SourcesPage() {
  const { api } = useApp();
  const specs = useAsync(() => flowService(api).connectionSpecs(), [api]);
  const [filter, setFilter] = useState('');
  const sources = (specs.data ?? [])
    .filter((s) => s.id !== DATA_LAKE_SPEC && s.attributes?.isSource !== false)
    .filter((s) => `${specLabel(s)} ${s.name} ${s.attributes?.category ?? ''}`.toLowerCase().includes(filter.trim().toLowerCase()))
    .sort((a, b) => specLabel(a).localeCompare(specLabel(b)));
  return (
    <section>
      <h1 tabIndex={-1}>Sources</h1>
      <p className="muted">Pick a connector to bring files from its storage into a dataset.</p>
      <label className="inline">
        <span>Search connectors</span>
        <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
      </label>
      {specs.loading ? <Loading /> : null}
      <ErrorNote error={specs.error} />
      <ul className="cards" aria-label="Connectors">
        {sources.map((spec) => (
          <li key={spec.id} className="card">
            <div className="card-head">
              <ConnectorLogo specName={spec.name} />
              <h2>{specLabel(spec)}</h2>
            </div>
            <p className="muted">
              {spec.attributes?.category ?? 'Source'}
              {spec.attributes?.uiAttributes?.isPreview ? ' · preview' : ''}
            </p>
            <Link href={`/sources/new/${spec.id}`} className="button" aria-label={`Set up ${specLabel(spec)}`} data-spec={spec.id}>
              Set up
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
