import type { Db } from '../../store/db.js';
import { selectFiles, type StorageEntry } from '../../connectors/index.js';
import type { Scope } from '../scope.js';
import { connectorFailure, type ConnectionsService } from './connections.service.js';
import type { EndpointConnectionsService } from './endpoint-connections.service.js';
import type { FlowPlan } from './flows.service.js';
import { loadManifest, type ManifestRow } from './flow-files.repo.js';
import { Manifest, type ManifestDecision } from './file-manifest.js';

/** Why a file was or was not taken by a run. */
export type FileDecision = ManifestDecision | 'settling' | 'before_start';

export interface Candidate {
  entry: StorageEntry;
  versionTag: string;
  decision: FileDecision;
}

const REASONS: Record<FileDecision, string> = {
  new: 'never ingested by this flow: the next run takes it',
  changed: 'ingested before, and changed since: the next run takes the new version',
  already_ingested: 'this version was already ingested: skipped',
  failed_content: 'this version failed for its content: skipped until the file changes, or a RE_TRIGGER of the run that failed on it',
  retry_later: 'this version failed for a transient reason: a run takes it again once its retry delay has passed',
  retry: 'this version failed before and is due for another attempt: the next run takes it',
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
  async candidates(
    scope: Scope,
    plan: FlowPlan,
    listedAt: Date,
    options: { retakeFailedOf?: string | null; manifest?: Manifest } = {},
  ): Promise<Candidate[]> {
    const source = await this.endpoints.fileSource(scope, plan.sourceConnectionId);
    const { storage } = await this.connections.open(scope, source.baseConnectionId);
    const manifest = options.manifest ?? new Manifest(await loadManifest(this.db, plan.id));
    const settleBefore = listedAt.getTime() - this.settleSeconds * 1000;
    const startMs = plan.schedule.startTime === null ? 0 : plan.schedule.startTime * 1000;
    const backfill = plan.schedule.frequency === 'once' || plan.schedule.backfill;
    const result: Candidate[] = [];
    try {
      for await (const entry of selectFiles(storage, source.path, { recursive: source.recursive })) {
        if (entry.type !== 'file') continue;
        const tag = versionTag(entry);
        let decision: FileDecision = manifest.judge(entry.path, tag, listedAt.getTime(), options.retakeFailedOf ?? null);
        if (decision === 'new' || decision === 'changed') {
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
    const manifest = new Manifest(await loadManifest(this.db, plan.id));
    const candidates = await this.candidates(scope, plan, new Date(), { manifest });
    return candidates.map((c) => {
      const current = manifest.version(c.entry.path, c.versionTag);
      return {
        path: c.entry.path,
        size: c.entry.size,
        modifiedAt: c.entry.modifiedAt,
        version: c.versionTag,
        decision: c.decision,
        reason: REASONS[c.decision],
        // What became of this version: null when no run took it yet.
        status: current?.status ?? null,
        ...(current?.status === 'failed' ? { failure: describeFailure(current) } : {}),
        ingestedVersions: manifest.history(c.entry.path).map((h) => ({
          version: h.version_tag,
          status: h.status,
          runId: h.run_id,
          batchId: h.batch_id,
          at: new Date(h.recorded_at).getTime(),
          attempts: h.attempts,
          ...(h.reason_code ? { reasonCode: h.reason_code } : {}),
        })),
      };
    });
  }
}

/** How a failed version is retried: `untilChanged` (its content is at fault) or `withBackoff` (the failure may pass). */
function describeFailure(row: ManifestRow): Record<string, unknown> {
  return {
    reasonCode: row.reason_code,
    message: row.reason_message,
    attempts: row.attempts,
    runId: row.run_id,
    retry: row.failure_kind === 'content' ? 'untilChanged' : 'withBackoff',
    permanent: row.failure_kind === 'content',
    ...(row.next_attempt_at !== null ? { nextAttemptAt: new Date(row.next_attempt_at).getTime() } : {}),
  };
}
