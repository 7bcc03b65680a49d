import { Link } from 'wouter';
import { catalog, type DataSet } from '../api/catalog.api.js';
import { useApp } from '../app-context.js';
import { ListView } from '../components/list-view.js';
import { Status } from '../components/ui.js';
import { formatTime } from '../lib/format.js';
import { useAsync } from '../lib/use-async.js';

export default function DatasetsPage() {
  const { api } = useApp();
  const dataSets = useAsync(() => catalog(api).dataSets(), [api]);
  return (
    <section>
      <h1 tabIndex={-1}>Datasets</h1>
      <ListView<DataSet & { id: string }>
        caption="Datasets"
        noun="dataset"
        rows={dataSets.data}
        loading={dataSets.loading}
        error={dataSets.error}
        reload={dataSets.reload}
        rowKey={(d) => d.id}
        rowName={(d) => d.name}
        searchText={(d) => `${d.name} ${d.description ?? ''} ${d.id}`}
        initialSort={{ key: 'created', descending: true }}
        empty="No datasets yet: a dataflow makes one, or lands in one you pick."
        onDelete={(d) => catalog(api).deleteDataSet(d.id)}
        deleteNote={() => 'Its batches and files are deleted with it.'}
        columns={[
          { key: 'name', label: 'Name', sortValue: (d) => d.name, cell: (d) => <Link href={`/datasets/${d.id}`}>{d.name}</Link> },
          {
            key: 'lastBatch',
            label: 'Last batch',
            sortValue: (d) => d.lastBatchStatus,
            cell: (d) => (d.lastBatchStatus ? <Status value={d.lastBatchStatus} /> : '–'),
          },
          { key: 'created', label: 'Created', sortValue: (d) => d.created, cell: (d) => formatTime(d.created) },
        ]}
      />
    </section>
  );
}
