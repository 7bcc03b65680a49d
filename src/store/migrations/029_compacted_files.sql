-- Compaction rewrites a dataset table's small data files into few large ones under `{table}/compacted/` (a `replace`
-- snapshot). Each row says which Catalog batches a compacted file holds, and the original data files it replaced
-- (`sources`: file path, record count and size of each, as their manifest entries had them), so that a REVERT or a
-- replay of one of those batches can put the other batches' originals back. Written in the transaction that moves
-- the table's pointer; a row goes when its file leaves the table.
create table compacted_files (
  dataset_id  text not null references datasets(id) on delete cascade,
  file_uri    text not null,
  batch_ids   text[] not null,
  sources     jsonb not null,
  created_at  timestamptz not null default now(),
  primary key (dataset_id, file_uri)
);

-- One compaction per dataset at a time, across processes: the holder's lease, taken over once it expires.
create table table_compaction_leases (
  dataset_id  text primary key references datasets(id) on delete cascade,
  holder      text not null,
  expires_at  timestamptz not null
);
