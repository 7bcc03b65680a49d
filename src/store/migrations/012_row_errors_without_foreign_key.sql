-- A run commits up to 10,000 row errors with its batch, and checking the foreign key row by row was
-- most of that insert's cost. The errors of a batch now go when the batch goes through one trigger
-- per deleting statement (whatever removed the batches: a dataset, a sandbox, an org).
alter table batch_row_errors drop constraint batch_row_errors_batch_id_fkey;

create function delete_row_errors_of_deleted_batches() returns trigger language plpgsql as $$
begin
  delete from batch_row_errors where batch_id in (select id from deleted_batches);
  return null;
end;
$$;

create trigger batches_take_their_row_errors
  after delete on batches
  referencing old table as deleted_batches
  for each statement execute function delete_row_errors_of_deleted_batches();
