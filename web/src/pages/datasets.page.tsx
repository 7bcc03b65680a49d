import { useState } from 'react';
import { Link } from 'wouter';
import { catalog } from '../api/catalog.api.js';
import { useApp } from '../app-context.js';
import { ErrorNote, Loading, Status } from '../components/ui.js';
import { formatTime } from '../lib/format.js';
import { useAsync } from '../lib/use-async.js';

export default function DatasetsPage() {
  const { api } = useApp();
  const dataSets = useAsync(() => catalog(api).dataSets(), [api]);
  const [filter, setFilter] = useState('');
  const list = (dataSets.data ?? []).filter((d) => d.name.toLowerCase().includes(filter.trim().toLowerCase())).sort((a, b) => (b.created ?? 0) - (a.created ?? 0));
  return (
    <section>
      <h1 tabIndex={-1}>Datasets</h1>
      <label className="inline">
        <span>Search datasets</span>
        <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
      </label>
      {dataSets.loading ? <Loading /> : null}
      <ErrorNote error={dataSets.error} />
      <div className="table-wrap" tabIndex={0} role="region" aria-label="Datasets">
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Last batch</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {list.map((d) => (
              <tr key={d.id}>
                <td>
                  <Link href={`/datasets/${d.id}`}>{d.name}</Link>
                </td>
                <td>{d.lastBatchStatus ? <Status value={d.lastBatchStatus} /> : '–'}</td>
                <td>{formatTime(d.created)}</td>
              </tr>
            ))}
            {!dataSets.loading && list.length === 0 ? (
              <tr>
                <td colSpan={3} className="muted">
                  No datasets.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </section>
  );
}
