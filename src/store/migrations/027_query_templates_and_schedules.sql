-- Query Service's query templates, scheduled queries and their runs (`/query-templates`, `/schedules`).
-- A template is saved SQL with default `$name` parameters. A schedule holds a query definition (SQL or a template
-- id) and a cron cadence; the scheduler's tick claims the schedules whose `next_run_at` has come (`for update skip
-- locked`, so one process takes each slot) and queues one run per slot. A run points at the query it submitted.
create table query_templates (
  id               uuid primary key,
  org_id           text not null references orgs(id) on delete cascade,
  sandbox_id       uuid not null references sandboxes(id) on delete cascade,
  name             text not null,
  sql              text not null,
  query_parameters jsonb not null default '{}'::jsonb,
  user_id          text not null,
  last_updated_by  text,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now()
);
create index query_templates_scope_idx on query_templates (org_id, sandbox_id, created_at);

create table query_schedules (
  id               text primary key,
  org_id           text not null references orgs(id) on delete cascade,
  sandbox_id       uuid not null references sandboxes(id) on delete cascade,
  state            text not null check (state in ('ENABLED', 'DISABLED')),
  -- The query definition as given: sql or templateId, name, description, dbName, queryParameters, insertIntoParameters.
  query            jsonb not null,
  cron             text not null,
  start_date       timestamptz not null,
  end_date         timestamptz,
  max_active_runs  integer not null default 1,
  next_run_at      timestamptz,
  client_id        text not null,
  updated_client_id text not null,
  created_at       timestamptz not null default now(),
  updated_at       timestamptz not null default now()
);
create index query_schedules_scope_idx on query_schedules (org_id, sandbox_id, created_at);
create index query_schedules_due_idx on query_schedules (next_run_at) where state = 'ENABLED';

-- Run ids are AEP's (`scheduled__{slot}` or `manual__{time}`, base64url), unique within their schedule.
create table query_schedule_runs (
  id               text not null,
  schedule_id      text not null references query_schedules(id) on delete cascade,
  org_id           text not null,
  sandbox_id       uuid not null,
  state            text not null check (state in ('QUEUED', 'IN_PROGRESS', 'SUCCESS', 'FAILED', 'CANCELLED')),
  external_trigger boolean not null,
  -- The slot a scheduled run is for, or the moment a triggered one was asked for.
  due_at           timestamptz not null,
  query_id         uuid,
  errors           jsonb not null default '[]'::jsonb,
  created_at       timestamptz not null default now(),
  started_at       timestamptz,
  completed_at     timestamptz,
  primary key (schedule_id, id)
);
create index query_schedule_runs_schedule_idx on query_schedule_runs (schedule_id, created_at);
-- A slot of a schedule runs once, however many schedulers saw it due.
create unique index query_schedule_runs_slot_idx on query_schedule_runs (schedule_id, due_at) where not external_trigger;
