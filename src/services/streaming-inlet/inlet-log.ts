import { randomBytes } from 'node:crypto';
import type { Db, Queryable } from '../../store/db.js';

export interface InletRow {
  inlet_id: string;
  connection_id: string;
  org_id: string;
  sandbox_id: string;
  authentication_required: boolean;
  last_sequence: string;
  pruned_through: string;
}

export interface NewRecord {
  payload: string;
  header: Record<string, unknown> | null;
  xactionId: string;
}

export interface LoggedRecord {
  sequence: number;
  payload: string;
  receivedAt: number;
}

/** AEP's inlet ids are 64 hex digits. */
export const newInletId = () => randomBytes(32).toString('hex');

/**
 * The durable log of the HTTP inlets: what a post accepted, kept until the stream that reads it has committed it.
 * Appends take the inlet's row lock for their sequence numbers, so the log of one inlet is gapless in commit order.
 */
export class InletLog {
  constructor(private readonly db: Db) {}

  async register(tx: Queryable, inlet: { inletId: string; connectionId: string; orgId: string; sandboxId: string; authenticationRequired: boolean }) {
    await tx.query(
      `insert into streaming_inlets (inlet_id, connection_id, org_id, sandbox_id, authentication_required) values ($1, $2, $3, $4, $5)`,
      [inlet.inletId, inlet.connectionId, inlet.orgId, inlet.sandboxId, inlet.authenticationRequired],
    );
  }

  async setAuthenticationRequired(tx: Queryable, inletId: string, required: boolean): Promise<void> {
    await tx.query('update streaming_inlets set authentication_required = $2 where inlet_id = $1', [inletId, required]);
  }

  async find(inletId: string): Promise<InletRow | undefined> {
    const rows = await this.db.query<InletRow>('select * from streaming_inlets where inlet_id = $1', [inletId]);
    return rows[0];
  }

  /**
   * Appends records in one transaction, unless the inlet's unconsumed backlog would pass `maxBacklog`: then nothing
   * is stored and `null` comes back. Returns the sequence of each record.
   */
  async append(inletId: string, records: NewRecord[], maxBacklog: number): Promise<number[] | null> {
    if (records.length === 0) return [];
    return this.db
      .transaction(async (tx) => {
        const [row] = await tx.query<{ last_sequence: string; pruned_through: string }>(
          'update streaming_inlets set last_sequence = last_sequence + $2 where inlet_id = $1 returning last_sequence, pruned_through',
          [inletId, records.length],
        );
        if (!row) throw new Error(`the inlet ${inletId} is gone`);
        const last = Number(row.last_sequence);
        if (last - Number(row.pruned_through) > maxBacklog) {
          // Throwing rolls the sequence back with everything else.
          throw new BacklogFull();
        }
        const first = last - records.length + 1;
        for (const [i, record] of records.entries()) {
          await tx.query('insert into streaming_inlet_records (inlet_id, sequence, xaction_id, payload, header) values ($1, $2, $3, $4, $5)', [
            inletId,
            first + i,
            record.xactionId,
            record.payload,
            record.header,
          ]);
        }
        return records.map((_, i) => first + i);
      })
      .catch((error: unknown) => {
        if (error instanceof BacklogFull) return null;
        throw error;
      });
  }

  /** Records after a sequence, in order, at most `limit`. */
  async after(inletId: string, sequence: number, limit: number): Promise<LoggedRecord[]> {
    const rows = await this.db.query<{ sequence: string; payload: string; received_at: Date }>(
      'select sequence, payload, received_at from streaming_inlet_records where inlet_id = $1 and sequence > $2 order by sequence limit $3',
      [inletId, sequence, limit],
    );
    return rows.map((r) => ({ sequence: Number(r.sequence), payload: r.payload, receivedAt: new Date(r.received_at).getTime() }));
  }

  /** The last sequence the inlet gave out (0 before its first record). */
  async lastSequence(inletId: string): Promise<number> {
    const row = await this.find(inletId);
    return row ? Number(row.last_sequence) : 0;
  }

  /** Deletes what a committed checkpoint covers; the backlog shrinks by as much. */
  async prune(inletId: string, throughSequence: number): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query('delete from streaming_inlet_records where inlet_id = $1 and sequence <= $2', [inletId, throughSequence]);
      await tx.query('update streaming_inlets set pruned_through = greatest(pruned_through, least($2::bigint, last_sequence)) where inlet_id = $1', [
        inletId,
        throughSequence,
      ]);
    });
  }
}

class BacklogFull extends Error {}
