-- Batches are found by what they relate to (`property=relatedObjects.id==…`): a flow run's batch, a streaming
-- window run's micro-batches, of which a stream makes one every few seconds. Without this index each such lookup
-- read every batch of the sandbox.
create index batches_related_objects_idx on batches using gin (related_objects jsonb_path_ops);
