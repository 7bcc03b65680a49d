-- Each dataset's Apache Iceberg table: where its current metadata file is, and that metadata itself (what the
-- Iceberg REST catalog serves). The pointer moves in the transaction that marks a batch `success`, as Iceberg's
-- JDBC catalog does, so concurrent writers serialise on this row and never lose a snapshot.
create table iceberg_tables (
  dataset_id          text primary key references datasets(id) on delete cascade,
  metadata_location   text not null,
  metadata            jsonb not null,
  updated_at          timestamptz not null default now()
);
