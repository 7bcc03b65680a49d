import type { Db } from '../../store/db.js';
import { selectFiles, type StorageEntry } from '../../connectors/index.js';
import type { Scope } from '../scope.js';
import { connectorFailure, type ConnectionsService } from './connections.service.js';
import type { EndpointConnectionsService } from './endpoint-connections.service.js';
import type { FlowPlan } from './flows.service.js';

/** Why a file was or was not taken by a run. */
export type FileDecision = 'new' | 'changed' | 'already_ingested' | 'settling' | 'before_start';

export interface Candidate {
  entry: StorageEntry;
  versionTag: string;
  decision: FileDecision;
}

const REASONS: Record<FileDecision, string> = {
  new: 'never ingested by this flow: the next run takes it',
  changed: 'ingested before, and changed since: the next run takes the new version',
  already_ingested: 'this version was already ingested: skipped',
  settling: 'modified too recently, it may still be being written: a later run takes it',
  before_start: 'modified before the schedule start and backfill is off: skipped',
};

/** What identifies one version of a file: the storage's etag, else its size and modification time. */
export function versionTag(entry: StorageEntry): string {
  return entry.etag ? `etag:${entry.etag}` : `size:${entry.size ?? 0};mtime:${entry.modifiedAt ?? 0}`;
}

/**
 * Incremental ingestion: which files of a flow's source a run takes, judged against the flow's
 * manifest of the file versions it already ingested.
 */
export class FileSelector {
  constructor(
    private readonly db: Db,
    private readonly endpoints: EndpointConnectionsService,
    private readonly connections: ConnectionsService,
    /** A file modified less than this long before the run starts may still be being written: a later run takes it. */
    private readonly settleSeconds: number,
  ) {}

  /** Lists the source and decides, file by file, whether a run starting at `listedAt` takes it. */
  async candidates(scope: Scope, plan: FlowPlan, listedAt: Date): Promise<Candidate[]> {
    const source = await this.endpoints.fileSource(scope, plan.sourceConnectionId);
    const { storage } = await this.connections.open(scope, source.baseConnectionId);
    const taken = new Map<string, Set<string>>();
    for (const row of await this.db.query<{ path: string; version_tag: string }>(
      `select path, version_tag from flow_files where flow_id = $1 and status = 'ingested'`,
      [plan.id],
    )) {
      if (!taken.has(row.path)) taken.set(row.path, new Set());
      taken.get(row.path)!.add(row.version_tag);
    }
    const settleBefore = listedAt.getTime() - this.settleSeconds * 1000;
    const startMs = plan.schedule.startTime === null ? 0 : plan.schedule.startTime * 1000;
    const backfill = plan.schedule.frequency === 'once' || plan.schedule.backfill;
    const result: Candidate[] = [];
    try {
      for await (const entry of selectFiles(storage, source.path, { recursive: source.recursive })) {
        if (entry.type !== 'file') continue;
        const tag = versionTag(entry);
        const versions = taken.get(entry.path);
        let decision: FileDecision = versions ? (versions.has(tag) ? 'already_ingested' : 'changed') : 'new';
        if (decision !== 'already_ingested') {
          if (entry.modifiedAt !== undefined && entry.modifiedAt > settleBefore) decision = 'settling';
          else if (!backfill && entry.modifiedAt !== undefined && entry.modifiedAt < startMs) decision = 'before_start';
        }
        result.push({ entry, versionTag: tag, decision });
      }
    } catch (error) {
      // A service failure with the connector's own code (bad credentials, unreachable, …): a run records
      // it as its error, and the file-decisions endpoint answers it in Flow Service's shape.
      throw connectorFailure(error);
    } finally {
      await storage.close();
    }
    return result;
  }

  /**
   * Tributary's own addition: for each file the source selects now, whether the next run would take it
   * and why, with the runs and batches that took its earlier versions.
   */
  async decisions(scope: Scope, plan: FlowPlan): Promise<Array<Record<string, unknown>>> {
    const candidates = await this.candidates(scope, plan, new Date());
    const history = await this.db.query<{
      path: string;
      version_tag: string;
      status: string;
      run_id: string;
      batch_id: string | null;
      recorded_at: Date | string;
    }>('select path, version_tag, status, run_id, batch_id, recorded_at from flow_files where flow_id = $1 order by recorded_at', [plan.id]);
    return candidates.map((c) => ({
      path: c.entry.path,
      size: c.entry.size,
      modifiedAt: c.entry.modifiedAt,
      version: c.versionTag,
      decision: c.decision,
      reason: REASONS[c.decision],
      ingestedVersions: history
        .filter((h) => h.path === c.entry.path)
        .map((h) => ({ version: h.version_tag, status: h.status, runId: h.run_id, batchId: h.batch_id, at: new Date(h.recorded_at).getTime() })),
    }));
  }
}
