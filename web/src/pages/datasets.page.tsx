import { useState } from 'react';
import { Link } from 'wouter';
import { catalog } from '../api/catalog.api.js';
import { useApp } from '../app-context.js';
import { DataTable, ErrorNote, Loading, Status } from '../components/ui.js';
import { formatTime } from '../lib/format.js';
import { useAsync } from '../lib/use-async.js';

export default function DatasetsPage() {
  const { api } = useApp();
  const dataSets = useAsync(() => catalog(api).dataSets(), [api]);
  const [filter, setFilter] = useState('');
  const list = (dataSets.data ?? [])
    .filter((d) => d.name.toLowerCase().includes(filter.trim().toLowerCase()))
    .sort((a, b) => (b.created ?? 0) - (a.created ?? 0));
  return (
    <section>
      <h1 tabIndex={-1}>Datasets</h1>
      <label className="inline">
        <span>Search datasets</span>
        <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
      </label>
      {dataSets.loading ? <Loading /> : null}
      <ErrorNote error={dataSets.error} />
      <DataTable
        caption="Datasets"
        rows={list}
        rowKey={(d) => d.id}
        empty={dataSets.loading ? null : 'No datasets.'}
        columns={[
          { key: 'name', label: 'Name', cell: (d) => <Link href={`/datasets/${d.id}`}>{d.name}</Link> },
          { key: 'lastBatch', label: 'Last batch', cell: (d) => (d.lastBatchStatus ? <Status value={d.lastBatchStatus} /> : '–') },
          { key: 'created', label: 'Created', cell: (d) => formatTime(d.created) },
        ]}
      />
    </section>
  );
}
