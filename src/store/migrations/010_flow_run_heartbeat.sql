-- A run in progress proves its worker is alive by touching heartbeat_at; a run whose heartbeat stops
-- (its process died) is failed by any other process, and its files stay unclaimed for the next run.
alter table flow_runs add column heartbeat_at timestamptz;
create index flow_runs_in_progress on flow_runs (heartbeat_at) where status = 'inProgress';
