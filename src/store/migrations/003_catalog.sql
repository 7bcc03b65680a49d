-- Catalog: datasets, their batches, and what each batch landed in the lake.
-- Every row carries its org and sandbox; every query filters on both.

create table datasets (
  id                     text primary key,          -- 24 hex digits
  org_id                 text not null references orgs(id) on delete cascade,
  sandbox_id             uuid not null references sandboxes(id) on delete cascade,
  name                   text not null,
  description            text,
  schema_ref             jsonb not null,            -- {id, contentType}
  schema_id              text not null,             -- schema_ref.id, for filters
  tags                   jsonb not null default '{}'::jsonb,
  file_description       jsonb,
  extra                  jsonb not null default '{}'::jsonb,  -- enableErrorDiagnostics, observableSchema
  view_id                text not null,
  created_client         text not null,
  created_user           text not null,
  updated_user           text not null,
  last_batch_id          text,
  last_batch_status      text,
  last_successful_batch  text,
  last_failed_batch      text,
  created_at             timestamptz not null default now(),
  updated_at             timestamptz not null default now()
);
create index datasets_scope_idx on datasets (org_id, sandbox_id, created_at);

create table batches (
  id                   text primary key,            -- 26-character ULID
  org_id               text not null references orgs(id) on delete cascade,
  sandbox_id           uuid not null references sandboxes(id) on delete cascade,
  dataset_id           text not null references datasets(id) on delete cascade,
  status               text not null,
  external_id          text,
  input_format         jsonb,
  tags                 jsonb not null default '{}'::jsonb,
  related_objects      jsonb not null default '[]'::jsonb,
  errors               jsonb not null default '[]'::jsonb,
  metrics              jsonb not null default '{}'::jsonb,
  record_count         bigint,
  failed_record_count  bigint,
  size                 bigint,
  created_client       text not null,
  created_user         text not null,
  created_at           timestamptz not null default now(),
  updated_at           timestamptz not null default now(),
  started_at           timestamptz,
  completed_at         timestamptz
);
create index batches_scope_idx on batches (org_id, sandbox_id, dataset_id, created_at);
-- Start-up recovery looks for batches a dead process left in flight.
create index batches_in_flight_idx on batches (status) where status in ('loading', 'processing');

-- The files a successful batch committed to the lake (names relative to the batch folder).
create table batch_files (
  batch_id  text not null references batches(id) on delete cascade,
  name      text not null,
  size      bigint not null,
  primary key (batch_id, name)
);

-- What went into a batch: one row per source file.
create table batch_input_files (
  batch_id  text not null references batches(id) on delete cascade,
  seq       integer not null,
  path      text not null,
  size      bigint not null,
  records   bigint not null,
  failed    bigint not null,
  primary key (batch_id, seq)
);

-- Rows that did not make it (bounded per batch; the batch's failedRecordCount stays exact).
create table batch_row_errors (
  batch_id    text not null references batches(id) on delete cascade,
  seq         integer not null,
  file        text not null,
  row_number  bigint not null,
  code        text not null,
  message     text not null,
  field       text,
  primary key (batch_id, seq)
);
