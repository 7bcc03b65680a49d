-- Upkeep of the datasets' Iceberg tables (snapshot expiry, orphan removal). `iceberg_table_upkeep` says when a
-- worker last took each table for it: a worker claims a due table by moving that time, so several workers share
-- the tables and never work on the same one at once; a row of its own, so a claim never waits on a commit's lock.
-- `iceberg_table_garbage` holds the files an expiry made unreachable, recorded in the transaction that moved the
-- table's pointer past them: deleted after that commit, and by the next run when a process died before it finished.
create table iceberg_table_upkeep (
  dataset_id     text primary key references iceberg_tables(dataset_id) on delete cascade,
  maintained_at  timestamptz not null
);

create table iceberg_table_garbage (
  dataset_id  text not null references iceberg_tables(dataset_id) on delete cascade,
  uri         text not null,
  -- data, manifest, manifest-list: the order they are deleted in (a data file's manifest outlives it).
  kind        text not null check (kind in ('data', 'manifest', 'manifest-list')),
  created_at  timestamptz not null default now(),
  primary key (dataset_id, uri)
);
