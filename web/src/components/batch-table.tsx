import type { Batch } from '../api/catalog.api.js';
import { formatNumber, formatTime } from '../lib/format.js';
import { DataTable, Status } from './ui.js';

/** Batches, newest first: a dataset's, or the micro-batches of a streaming flow's run. */
export function BatchTable({
  batches,
  loading,
  caption,
  testId,
}: {
  batches: Batch[] | undefined;
  loading: boolean;
  caption: string;
  testId?: string;
}) {
  return (
    <DataTable
      caption={caption}
      {...(testId ? { testId } : {})}
      rows={batches ?? []}
      rowKey={(b) => b.id}
      empty={loading ? null : 'No batches yet.'}
      columns={[
        { key: 'id', label: 'Batch', cell: (b) => <code>{b.id}</code> },
        { key: 'status', label: 'Status', cell: (b) => <Status value={b.status} /> },
        { key: 'records', label: 'Records', cell: (b) => formatNumber(b.recordCount) },
        { key: 'failed', label: 'Failed', cell: (b) => formatNumber(b.failedRecordCount) },
        { key: 'created', label: 'Created', cell: (b) => formatTime(b.created) },
      ]}
    />
  );
}
