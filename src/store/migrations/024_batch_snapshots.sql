-- The Iceberg snapshot a batch became when it landed (its dataset table's `append`, or the `overwrite` of a replay):
-- Catalog's batch ↔ snapshot link, shown on the batch. Null for batches that never landed, or landed before their
-- dataset was an Iceberg table.
alter table batches add column iceberg_snapshot_id bigint;
