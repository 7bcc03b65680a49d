-- Sandbox management: the states the Sandbox API reports while a sandbox is emptied or removed,
-- and the version and authorship fields of its representation.
alter table sandboxes drop constraint if exists sandboxes_state_check;
alter table sandboxes add constraint sandboxes_state_check
  check (state in ('creating', 'active', 'resetting', 'deleting', 'deleted', 'failed'));
alter table sandboxes add column etag integer not null default 1;
alter table sandboxes add column created_by text not null default '';
alter table sandboxes add column modified_by text not null default '';
