-- Query Service results move out of the database into files under the home (one JSON row per line): a query row
-- keeps the result's page index, its size and which limit, if any, cut it short. `rows` stays for results kept
-- before this change.
alter table queries add column result_index jsonb;
alter table queries add column result_bytes bigint;
alter table queries add column truncated_by text;
