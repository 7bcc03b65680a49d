-- At most one run of a flow is in progress at a time: two runs listing the same source at once would
-- both take its new files. The database enforces it, so it holds across any number of worker processes.
-- Runs left in progress side by side by earlier versions keep the one that beat last; the others fail.
update flow_runs set status = 'failed', completed_at = now(), updated_at = now(), etag = gen_random_uuid(),
  errors = '[{"code":"FLOW-RUN-1005","message":"another run of the flow was in progress"}]'::jsonb
where status = 'inProgress' and id not in (
  select distinct on (flow_id) id from flow_runs where status = 'inProgress' order by flow_id, heartbeat_at desc nulls last, id
);
create unique index flow_runs_one_in_progress on flow_runs (flow_id) where status = 'inProgress';

-- Which attempt (one execution by one worker) owns a run in progress: a queue retry of a run whose first
-- attempt is still alive leaves it alone, and an attempt that lost its run writes nothing more to it.
alter table flow_runs add column attempt uuid;
