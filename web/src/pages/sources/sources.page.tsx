import { Link, useLocation, useSearch } from 'wouter';
import { type Connection, type ConnectionSpec, DATA_LAKE_SPEC, flowService, type SourceConnection, specLabel } from '../../api/flow-service.api.js';
import { useApp } from '../../app-context.js';
import { ConnectorLogo } from '../../components/connector-logo.js';
import { ListView } from '../../components/list-view.js';
import { ErrorNote, Loading } from '../../components/ui.js';
import { AccountStatus, useAccountTests } from '../../lib/account-status.js';
import { formatTime } from '../../lib/format.js';
import { useAsync } from '../../lib/use-async.js';
import { useState } from 'react';

const TABS = [
  ['catalog', 'Catalog'],
  ['accounts', 'Accounts'],
  ['sources', 'Source connections'],
] as const;
type Tab = (typeof TABS)[number][0];

/** Sources: the catalog of connectors, the accounts made with them, and the source connections reading through those. */
export default function SourcesPage() {
  const { api } = useApp();
  const specs = useAsync(() => flowService(api).connectionSpecs(), [api]);
  const params = new URLSearchParams(useSearch());
  const [, navigate] = useLocation();
  const tab: Tab = (TABS.find(([v]) => v === params.get('tab'))?.[0] ?? 'catalog') as Tab;
  return (
    <section className="stack">
      <h1 tabIndex={-1}>Sources</h1>
      <div role="tablist" aria-label="Sources" className="tabs">
        {TABS.map(([value, label]) => (
          <button
            key={value}
            type="button"
            role="tab"
            aria-selected={tab === value}
            onClick={() => navigate(value === 'catalog' ? '/sources' : `/sources?tab=${value}`)}
          >
            {label}
          </button>
        ))}
      </div>
      <div role="tabpanel" aria-label={TABS.find(([v]) => v === tab)?.[1]}>
        {specs.loading ? <Loading /> : null}
        <ErrorNote error={specs.error} />
        {tab === 'catalog' ? <Catalog specs={specs.data ?? []} /> : null}
        {tab === 'accounts' && specs.data ? <Accounts specs={specs.data} /> : null}
        {tab === 'sources' && specs.data ? <SourceConnections specs={specs.data} /> : null}
      </div>
    </section>
  );
}

function Catalog({ specs }: { specs: ConnectionSpec[] }) {
  const [filter, setFilter] = useState('');
  const sources = specs
    .filter((s) => s.id !== DATA_LAKE_SPEC && s.attributes?.isSource !== false)
    .filter((s) => `${specLabel(s)} ${s.name} ${s.attributes?.category ?? ''}`.toLowerCase().includes(filter.trim().toLowerCase()))
    .sort((a, b) => specLabel(a).localeCompare(specLabel(b)));
  return (
    <>
      <p className="muted">Pick a connector to bring files from its storage, or records from a stream, into a dataset.</p>
      <label className="inline">
        <span>Search connectors</span>
        <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
      </label>
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
    </>
  );
}

function ConnectorName({ spec }: { spec: ConnectionSpec | undefined }) {
  if (!spec) return <span className="muted">unknown connector</span>;
  return (
    <span className="with-logo">
      <ConnectorLogo specName={spec.name} size={18} /> {specLabel(spec)}
    </span>
  );
}

/** The accounts (base connections), each with the outcome of a connection test. */
function Accounts({ specs }: { specs: ConnectionSpec[] }) {
  const { api } = useApp();
  const fs = flowService(api);
  const accounts = useAsync(() => fs.connections(), [api]);
  const tests = useAccountTests(api, accounts.data);
  const specOf = (c: Connection) => specs.find((s) => s.id === c.connectionSpec.id);
  return (
    <ListView<Connection>
      caption="Accounts"
      noun="account"
      rows={accounts.data}
      loading={accounts.loading}
      error={accounts.error}
      reload={accounts.reload}
      rowKey={(c) => c.id}
      rowName={(c) => c.name}
      searchText={(c) => `${c.name} ${c.description ?? ''} ${specOf(c) ? specLabel(specOf(c)!) : ''}`}
      initialSort={{ key: 'created', descending: true }}
      empty="No accounts yet: pick a connector in the catalog to make one."
      onDelete={(c) => fs.deleteConnection(c.id)}
      deleteNote={() => 'An account a dataflow still reads through cannot be deleted: delete the dataflow first.'}
      columns={[
        { key: 'name', label: 'Name', sortValue: (c) => c.name, cell: (c) => c.name },
        {
          key: 'connector',
          label: 'Connector',
          sortValue: (c) => (specOf(c) ? specLabel(specOf(c)!) : ''),
          cell: (c) => <ConnectorName spec={specOf(c)} />,
        },
        {
          key: 'status',
          label: 'Status',
          sortValue: (c) => tests[c.id]?.state,
          cell: (c) => <AccountStatus test={tests[c.id]} />,
        },
        { key: 'created', label: 'Created', sortValue: (c) => c.createdAt, cell: (c) => formatTime(c.createdAt) },
      ]}
    />
  );
}

/** Source connections: which files of which account a dataflow reads. */
function SourceConnections({ specs }: { specs: ConnectionSpec[] }) {
  const { api } = useApp();
  const fs = flowService(api);
  const sources = useAsync(async () => {
    const [list, accounts] = await Promise.all([fs.sourceConnections(), fs.connections()]);
    return list.map((s) => ({ ...s, account: accounts.find((a) => a.id === s.baseConnectionId) }));
  }, [api]);
  type Row = SourceConnection & { account: Connection | undefined };
  const specOf = (s: Row) => specs.find((x) => x.id === (s.connectionSpec?.id ?? s.account?.connectionSpec.id));
  return (
    <ListView<Row>
      caption="Source connections"
      noun="source connection"
      rows={sources.data}
      loading={sources.loading}
      error={sources.error}
      reload={sources.reload}
      rowKey={(s) => s.id}
      rowName={(s) => s.name}
      searchText={(s) => `${s.name} ${s.params?.path ?? ''} ${s.account?.name ?? ''}`}
      initialSort={{ key: 'created', descending: true }}
      empty="No source connections yet: a dataflow makes one."
      onDelete={(s) => fs.deleteSourceConnection(s.id)}
      columns={[
        { key: 'name', label: 'Name', sortValue: (s) => s.name, cell: (s) => s.name },
        { key: 'path', label: 'Path or stream', sortValue: (s) => readsFrom(s), cell: (s) => <code>{readsFrom(s) ?? '–'}</code> },
        { key: 'format', label: 'Format', sortValue: (s) => s.data?.format, cell: (s) => s.data?.format ?? '–' },
        {
          key: 'account',
          label: 'Account',
          sortValue: (s) => s.account?.name,
          cell: (s) => (
            <span className="with-logo">
              <ConnectorName spec={specOf(s)} /> · {s.account?.name ?? 'deleted account'}
            </span>
          ),
        },
        { key: 'created', label: 'Created', sortValue: (s) => s.createdAt, cell: (s) => formatTime(s.createdAt) },
      ]}
    />
  );
}

/** What a source connection reads: a file source's path, a stream source's stream or event hub (an inlet's: none). */
function readsFrom(s: SourceConnection): string | undefined {
  return s.params?.path ?? s.params?.stream ?? s.params?.eventHubName;
}
