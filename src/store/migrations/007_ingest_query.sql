-- Batch Ingestion (imports), replays, and Query Service queries.

-- Who opened a batch: 'internal' (flow runs, which write at once) or 'import' (the Batch Ingestion API,
-- whose batches wait in 'loading' while the client uploads; start-up recovery leaves those alone).
alter table batches add column origin text not null default 'internal';
-- {predecessors: [batchId], reason}: a replay batch replaces its predecessors once it succeeds.
alter table batches add column replay jsonb;

-- Files uploaded into an import batch. The bytes sit in the batch's upload area of the lake's staging root
-- until the batch is completed; `complete` files are whole (a small PUT, or a large file whose chunks were all
-- received and COMPLETEd).
create table import_files (
  batch_id    text not null references batches(id) on delete cascade,
  name        text not null,                 -- the filePath of the upload, relative ("a=1/x.json")
  large       boolean not null,
  complete    boolean not null,
  size        bigint not null default 0,
  total_size  bigint,                        -- announced by a chunk's Content-Range ("bytes 0-99/5000")
  created_at  timestamptz not null default now(),
  updated_at  timestamptz not null default now(),
  primary key (batch_id, name)
);

-- Chunks of a large file received so far (inclusive byte ranges). A chunk is recorded only once all its
-- bytes are written, so an interrupted PATCH leaves no range behind and can simply be sent again.
create table import_file_chunks (
  batch_id    text not null,
  name        text not null,
  start_byte  bigint not null,
  end_byte    bigint not null,
  primary key (batch_id, name, start_byte, end_byte),
  foreign key (batch_id, name) references import_files(batch_id, name) on delete cascade
);

-- Query Service: one row per submitted query, with its (bounded) result.
create table queries (
  id            uuid primary key,
  org_id        text not null references orgs(id) on delete cascade,
  sandbox_id    uuid not null references sandboxes(id) on delete cascade,
  client_id     text not null,
  name          text,
  description   text,
  db_name       text,
  sql           text not null,
  state         text not null,
  errors        jsonb not null default '[]'::jsonb,
  row_count     bigint,
  truncated     boolean not null default false,
  columns       jsonb,
  rows          jsonb,
  referenced    jsonb not null default '[]'::jsonb,
  created_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now(),
  started_at    timestamptz,
  completed_at  timestamptz
);
create index queries_scope_idx on queries (org_id, sandbox_id, created_at);
