-- The manifest remembers why a file version failed, so a run knows whether to take it again:
-- a version that failed for its content is left alone until it changes (or a re-trigger asks for it);
-- one that failed for a passing reason (storage unreachable, throttled, no permission) is retried
-- by later runs with a growing delay.
alter table flow_files add column reason_code text;
alter table flow_files add column reason_message text;
-- 'content': permanent until the file changes; 'transient': retried with backoff. Null for ingested versions
-- (and failures recorded before this migration, which are retried as they were).
alter table flow_files add column failure_kind text check (failure_kind in ('content', 'transient'));
alter table flow_files add column attempts integer not null default 1;
alter table flow_files add column next_attempt_at timestamptz;

-- A re-trigger run takes the files its original run failed on again, whatever their failure.
alter table flow_runs add column retake_failed_of uuid references flow_runs(id) on delete set null;
