-- What a query came from and what it wrote: the template it was made from, the scheduled run that submitted it,
-- and for an INSERT INTO the dataset (by the name the SQL gave) and the Catalog batch its rows landed in.
alter table queries add column template_id uuid;
alter table queries add column schedule_id text;
alter table queries add column schedule_run_id text;
alter table queries add column insert_into jsonb;
