-- Upkeep of the datasets' Iceberg tables (snapshot expiry, orphan removal). `maintained_at` is when a worker last
-- took the table for it: workers claim due tables one by one, so several never work on the same table at once.
-- `iceberg_table_garbage` holds the files an expiry made unreachable, recorded in the transaction that moved the
-- table's pointer past them: deleted after that commit, and by the next run when a process died before it finished.
alter table iceberg_tables add column maintained_at timestamptz;

create table iceberg_table_garbage (
  dataset_id  text not null references iceberg_tables(dataset_id) on delete cascade,
  uri         text not null,
  -- data, manifest, manifest-list: the order they are deleted in (a data file's manifest outlives it).
  kind        text not null check (kind in ('data', 'manifest', 'manifest-list')),
  created_at  timestamptz not null default now(),
  primary key (dataset_id, uri)
);
