-- Streaming flows: each partition (a Kinesis shard, an Event Hubs partition) of a flow's stream is consumed
-- by one process at a time through a lease, and keeps the checkpoint that its last committed micro-batch
-- reached. The checkpoint advances in the transaction that commits the micro-batch's Catalog batch, fenced
-- by the lease's epoch: a consumer that lost its lease (another took over) cannot commit.
create table stream_partitions (
  flow_id             uuid not null references flows(id) on delete cascade,
  partition_id        text not null,
  -- Opaque to the platform (the connector's: a sequence number, an offset); null before the first commit.
  checkpoint          text,
  -- A closed partition (a shard split or merged away) read to its end: its children may start.
  drained             boolean not null default false,
  -- How far behind the partition's newest record the last committed read was (ms), when the stream says.
  lag_ms              bigint,
  -- The Catalog batch of the micro-batch being written: a consumer that dies midway leaves it open, and the
  -- process taking the lease over fails it (its records are read again from the checkpoint).
  open_batch_id       text,
  -- Who holds the lease (a process id), until when, and the fencing token each take-over increments.
  holder              text,
  lease_expires_at    timestamptz,
  epoch               bigint not null default 0,
  updated_at          timestamptz not null default now(),
  primary key (flow_id, partition_id)
);
create index stream_partitions_holder on stream_partitions (holder) where holder is not null;

-- A streaming flow's runs: one per flow and time window, summing up the micro-batches committed in it.
alter table flow_runs add column stream_window timestamptz;
create unique index flow_runs_stream_window on flow_runs (flow_id, stream_window) where stream_window is not null;
