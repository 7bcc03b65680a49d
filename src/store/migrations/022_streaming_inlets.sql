-- HTTP API streaming inlets (connection spec bc7b00d6-623a-4dfc-9fdb-f1240aeadaeb): one per base connection.
-- `last_sequence` is taken under this row's lock by every append, so records of one inlet commit in sequence
-- order and a reader never sees a later sequence before an earlier one (no gaps below a checkpoint).
create table streaming_inlets (
  inlet_id                 text primary key,
  connection_id            uuid not null unique references base_connections (id) on delete cascade,
  org_id                   text not null,
  sandbox_id               uuid not null,
  authentication_required  boolean not null default false,
  last_sequence            bigint not null default 0,
  -- Every record up to here was consumed and committed downstream, and deleted.
  pruned_through           bigint not null default 0,
  created_at               timestamptz not null default now()
);

-- The records an inlet accepted and no stream has committed yet: stored before the 200/207 answers.
create table streaming_inlet_records (
  inlet_id     text not null references streaming_inlets (inlet_id) on delete cascade,
  sequence     bigint not null,
  xaction_id   text not null,
  -- What the stream hands over: the envelope's body.xdmEntity, or the raw JSON message, as JSON text.
  payload      text not null,
  -- The XDM envelope's header (schemaRef, datasetId, flowId, ...), null for a raw message.
  header       jsonb,
  received_at  timestamptz not null default now(),
  primary key (inlet_id, sequence)
);
