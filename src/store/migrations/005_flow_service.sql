-- Flow Service: base connections, source/target connections, flows, runs, and each flow's file manifest.

create table base_connections (
  id                  uuid primary key,
  org_id              text not null,
  sandbox_id          uuid not null,
  connection_spec_id  text not null,
  doc                 jsonb not null,         -- name, description, connectionSpec, auth.specName, non-secret auth params
  sealed_secrets      text,                   -- the secret auth params, encrypted with the master key
  state               text not null default 'enabled' check (state in ('enabled', 'disabled')),
  etag                uuid not null,
  created_client      text not null,
  updated_client      text not null,
  created_at          timestamptz not null default now(),
  updated_at          timestamptz not null default now()
);
create index base_connections_scope on base_connections (org_id, sandbox_id, created_at);

-- Source and target connections have one shape; `role` tells them apart.
create table endpoint_connections (
  id                  uuid primary key,
  role                text not null check (role in ('source', 'target')),
  org_id              text not null,
  sandbox_id          uuid not null,
  base_connection_id  uuid references base_connections(id),
  connection_spec_id  text not null,
  doc                 jsonb not null,         -- name, description, data, params, connectionSpec
  state               text not null default 'enabled' check (state in ('enabled', 'disabled')),
  etag                uuid not null,
  created_client      text not null,
  updated_client      text not null,
  created_at          timestamptz not null default now(),
  updated_at          timestamptz not null default now()
);
create index endpoint_connections_scope on endpoint_connections (org_id, sandbox_id, role, created_at);

create table flows (
  id                  uuid primary key,
  org_id              text not null,
  sandbox_id          uuid not null,
  doc                 jsonb not null,         -- name, description, flowSpec, connection ids, transformations, scheduleParams
  state               text not null check (state in ('enabled', 'disabled')),
  -- When the scheduler should next start a run; null when nothing is due (disabled, or a finished `once`).
  next_run_at         timestamptz,
  last_operation      jsonb not null,
  etag                uuid not null,
  created_client      text not null,
  updated_client      text not null,
  created_at          timestamptz not null default now(),
  updated_at          timestamptz not null default now()
);
create index flows_scope on flows (org_id, sandbox_id, created_at);
create index flows_due on flows (next_run_at) where state = 'enabled';

create table flow_runs (
  id                  uuid primary key,
  flow_id             uuid not null references flows(id) on delete cascade,
  org_id              text not null,
  sandbox_id          uuid not null,
  status              text not null check (status in ('pending', 'inProgress', 'success', 'partialSuccess', 'failed', 'cancelled')),
  window_start        timestamptz,
  window_end          timestamptz not null,
  started_at          timestamptz,
  completed_at        timestamptz,
  batch_id            text,
  metrics             jsonb not null default '{}'::jsonb,
  errors              jsonb not null default '[]'::jsonb,
  -- Set when a run is a re-trigger of a failed one.
  retry_of            uuid references flow_runs(id),
  etag                uuid not null,
  created_client      text not null,
  created_at          timestamptz not null default now(),
  updated_at          timestamptz not null default now()
);
create index flow_runs_flow on flow_runs (flow_id, created_at);
create index flow_runs_scope on flow_runs (org_id, sandbox_id, created_at);

-- Which version of which file each flow has taken: written in the same transaction as the run's outcome,
-- so a file is never ingested twice nor skipped when a process dies midway.
create table flow_files (
  flow_id             uuid not null references flows(id) on delete cascade,
  path                text not null,
  version_tag         text not null,          -- etag, or size and modification time
  size                bigint not null,
  modified_at         timestamptz,
  status              text not null check (status in ('ingested', 'failed')),
  run_id              uuid not null references flow_runs(id) on delete cascade,
  batch_id            text,
  recorded_at         timestamptz not null default now(),
  primary key (flow_id, path, version_tag)
);
