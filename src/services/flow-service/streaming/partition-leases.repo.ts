import type { Queryable } from '../../../store/db.js';

/** A partition's lease as its holder knows it: every write it makes is conditioned on this epoch. */
export interface Lease {
  flowId: string;
  partitionId: string;
  holder: string;
  epoch: number;
  /** The checkpoint the last committed micro-batch reached; null when none has committed yet. */
  checkpoint: string | null;
  /** The batch a previous holder began and never finished (it died): to be failed before going on. */
  abandonedBatchId: string | null;
}

export interface PartitionState {
  partitionId: string;
  checkpoint: string | null;
  drained: boolean;
  holder: string | null;
  leaseLive: boolean;
}

/** Records the partitions a flow's stream has now, so that leases can be taken on them; known ones are left as they are. */
export async function notePartitions(db: Queryable, flowId: string, partitionIds: readonly string[]): Promise<void> {
  if (partitionIds.length === 0) return;
  await db.query(
    `insert into stream_partitions (flow_id, partition_id) select $1, unnest($2::text[]) on conflict (flow_id, partition_id) do nothing`,
    [flowId, partitionIds],
  );
}

export async function partitionStates(db: Queryable, flowId: string): Promise<PartitionState[]> {
  const rows = await db.query<{ partition_id: string; checkpoint: string | null; drained: boolean; holder: string | null; live: boolean }>(
    `select partition_id, checkpoint, drained, holder, (holder is not null and lease_expires_at > now()) as live
     from stream_partitions where flow_id = $1`,
    [flowId],
  );
  return rows.map((r) => ({ partitionId: r.partition_id, checkpoint: r.checkpoint, drained: r.drained, holder: r.holder, leaseLive: r.live }));
}

/**
 * Takes a partition's lease when nobody holds it or its holder let it expire (died): the epoch goes up, so
 * whatever the previous holder still tries to commit is refused. Null when another holds it.
 */
export async function acquireLease(db: Queryable, flowId: string, partitionId: string, holder: string, leaseMs: number): Promise<Lease | null> {
  const rows = await db.query<{ epoch: string | number; checkpoint: string | null; open_batch_id: string | null }>(
    `update stream_partitions
        set holder = $3, epoch = epoch + 1, lease_expires_at = now() + ($4::bigint * interval '1 millisecond'), updated_at = now()
      where flow_id = $1 and partition_id = $2 and not drained
        and (holder is null or lease_expires_at <= now())
      returning epoch, checkpoint, open_batch_id`,
    [flowId, partitionId, holder, leaseMs],
  );
  const row = rows[0];
  return row ? { flowId, partitionId, holder, epoch: Number(row.epoch), checkpoint: row.checkpoint, abandonedBatchId: row.open_batch_id } : null;
}

/** Extends the leases a process still holds; answers the ones it no longer holds (taken over), which it must stop consuming. */
export async function renewLeases(db: Queryable, leases: readonly Lease[], leaseMs: number): Promise<Lease[]> {
  if (leases.length === 0) return [];
  const rows = await db.query<{ flow_id: string; partition_id: string }>(
    `update stream_partitions p
        set lease_expires_at = now() + ($4::bigint * interval '1 millisecond')
       from unnest($1::uuid[], $2::text[], $3::bigint[]) as l(flow_id, partition_id, epoch)
      where p.flow_id = l.flow_id and p.partition_id = l.partition_id and p.epoch = l.epoch and p.holder = $5
      returning p.flow_id, p.partition_id`,
    [leases.map((l) => l.flowId), leases.map((l) => l.partitionId), leases.map((l) => l.epoch), leaseMs, leases[0]!.holder],
  );
  const kept = new Set(rows.map((r) => `${r.flow_id}/${r.partition_id}`));
  return leases.filter((l) => !kept.has(`${l.flowId}/${l.partitionId}`));
}

/**
 * Advances the partition's checkpoint, fenced by the lease: true when this holder still holds it. Runs in
 * the transaction that commits the micro-batch, so the batch and the checkpoint land together or not at all.
 */
export async function advanceCheckpoint(
  tx: Queryable,
  lease: Lease,
  checkpoint: string,
  drained: boolean,
  lagMs: number | undefined,
): Promise<boolean> {
  const rows = await tx.query(
    `update stream_partitions set checkpoint = $4, drained = $5, lag_ms = coalesce($7, lag_ms), open_batch_id = null, updated_at = now()
      where flow_id = $1 and partition_id = $2 and epoch = $3 and holder = $6 returning partition_id`,
    [lease.flowId, lease.partitionId, lease.epoch, checkpoint, drained, lease.holder, lagMs ?? null],
  );
  return rows.length === 1;
}

/** Notes (or, with null, clears) the batch the holder is writing; false when the lease was taken over. */
export async function noteOpenBatch(db: Queryable, lease: Lease, batchId: string | null): Promise<boolean> {
  const rows = await db.query(
    `update stream_partitions set open_batch_id = $4 where flow_id = $1 and partition_id = $2 and epoch = $3 and holder = $5 returning partition_id`,
    [lease.flowId, lease.partitionId, lease.epoch, batchId, lease.holder],
  );
  return rows.length === 1;
}

/** Gives a lease back (the flow was disabled, the process stops, the partition is drained): another may take it at once. */
export async function releaseLease(db: Queryable, lease: Lease): Promise<void> {
  await db.query(
    `update stream_partitions set holder = null, lease_expires_at = null
      where flow_id = $1 and partition_id = $2 and epoch = $3 and holder = $4`,
    [lease.flowId, lease.partitionId, lease.epoch, lease.holder],
  );
}

/** Per streaming flow: the lag of its most-behind partition still being read (ms), for `/metrics`. */
export async function streamLagByFlow(db: Queryable): Promise<Array<{ flowId: string; lagMs: number }>> {
  const rows = await db.query<{ flow_id: string; lag: number }>(
    'select flow_id, max(lag_ms)::float8 as lag from stream_partitions where not drained and lag_ms is not null group by flow_id',
  );
  return rows.map((r) => ({ flowId: r.flow_id, lagMs: Number(r.lag) }));
}
