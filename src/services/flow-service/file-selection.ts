import type { Db } from '../../store/db.js';
import { selectFiles, type StorageEntry } from '../../connectors/index.js';
import { manifestRows, MANIFEST_PAGE_ROWS } from './manifest-cursor.js';
import { mergeByPath } from './manifest-merge.js';
import { sortedByPath, SORT_CHUNK_ENTRIES } from './sorted-listing.js';
import type { Scope } from '../scope.js';
import { connectorFailure, type ConnectionsService } from './connections.service.js';
import type { EndpointConnectionsService } from './endpoint-connections.service.js';
import type { FlowPlan } from './flows.service.js';
import type { ManifestRow } from './flow-files.repo.js';
import { judgeVersion, TAKEN, type ManifestDecision } from './file-manifest.js';

/** Why a file was or was not taken by a run. */
export type FileDecision = ManifestDecision | 'settling' | 'before_start';

export interface Candidate {
  entry: StorageEntry;
  versionTag: string;
  decision: FileDecision;
}

/** A candidate with the manifest's rows of its path (every version some run took, ingested or failed). */
export interface JudgedFile extends Candidate {
  versions: ManifestRow[];
}

/** What a run's selection keeps: the files it takes, and how many it passes over. */
export interface Selection {
  chosen: Candidate[];
  skipped: number;
}

/** The flow-wide rules of a decision, fixed for one listing. */
interface Rules {
  /** When the run starts (epoch ms): a failed version's retry delay is judged against it. */
  nowMs: number;
  /** The run a RE_TRIGGER repeats: the files it failed on are taken again. */
  retakeFailedOf: string | null;
  /** Files modified after this (epoch ms) may still be being written. */
  settleBefore: number;
  /** The schedule's start (epoch ms); files modified before it are skipped unless `backfill`. */
  startMs: number;
  backfill: boolean;
}

/** Whether a run takes one listed file, given the manifest's rows of its path. */
function decide(entry: StorageEntry, tag: string, versions: ManifestRow[], rules: Rules): FileDecision {
  const decision = judgeVersion(versions, tag, rules.nowMs, rules.retakeFailedOf);
  if (decision !== 'new' && decision !== 'changed') return decision;
  if (entry.modifiedAt !== undefined && entry.modifiedAt > rules.settleBefore) return 'settling';
  if (!rules.backfill && entry.modifiedAt !== undefined && entry.modifiedAt < rules.startMs) return 'before_start';
  return decision;
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
 * manifest of the file versions it already ingested. The listing (sorted by path, in bounded memory) and
 * the manifest (read by pages in the same order) are joined as two sorted streams, so a bucket of a million
 * files is listed once per run and neither side is ever held whole.
 */
export class FileSelector {
  private readonly spillDir: string;
  private readonly chunkEntries: number;
  private readonly pageRows: number;

  constructor(
    private readonly db: Db,
    private readonly endpoints: EndpointConnectionsService,
    private readonly connections: ConnectionsService,
    /** A file modified less than this long before the run starts may still be being written: a later run takes it. */
    private readonly settleSeconds: number,
    /** Where long listings are sorted through files (`spillDir`), and the sizes of the sort's chunks and the manifest's pages. */
    options: { spillDir: string; chunkEntries?: number; pageRows?: number },
  ) {
    this.spillDir = options.spillDir;
    this.chunkEntries = options.chunkEntries ?? SORT_CHUNK_ENTRIES;
    this.pageRows = options.pageRows ?? MANIFEST_PAGE_ROWS;
  }

  /**
   * Lists the source once and decides, file by file in path order, whether a run starting at `listedAt` takes it;
   * `retakeFailedOf` is the run a RE_TRIGGER repeats, whose failed files are taken again.
   */
  async *judge(scope: Scope, plan: FlowPlan, listedAt: Date, retakeFailedOf: string | null = null): AsyncIterable<JudgedFile> {
    const source = await this.endpoints.fileSource(scope, plan.sourceConnectionId);
    const { storage } = await this.connections.open(scope, source.baseConnectionId);
    const rules: Rules = {
      nowMs: listedAt.getTime(),
      retakeFailedOf,
      settleBefore: listedAt.getTime() - this.settleSeconds * 1000,
      startMs: plan.schedule.startTime === null ? 0 : plan.schedule.startTime * 1000,
      backfill: plan.schedule.frequency === 'once' || plan.schedule.backfill,
    };
    try {
      const listing = sortedByPath(filesOf(selectFiles(storage, source.path, { recursive: source.recursive })), {
        spillDir: this.spillDir,
        chunkEntries: this.chunkEntries,
      });
      for await (const { entry, versions } of mergeByPath(listing, manifestRows(this.db, plan.id, this.pageRows))) {
        // A file the manifest knows and the storage no longer lists: nothing to take.
        if (entry === null) continue;
        const tag = versionTag(entry);
        yield { entry, versionTag: tag, decision: decide(entry, tag, versions, rules), versions };
      }
    } finally {
      await storage.close();
    }
  }

  /** What a run takes: only the chosen files are held; the others are counted. */
  async select(scope: Scope, plan: FlowPlan, listedAt: Date, retakeFailedOf: string | null = null): Promise<Selection> {
    const chosen: Candidate[] = [];
    let skipped = 0;
    for await (const { entry, versionTag, decision } of this.judge(scope, plan, listedAt, retakeFailedOf)) {
      if (TAKEN.has(decision)) chosen.push({ entry, versionTag, decision });
      else skipped += 1;
    }
    return { chosen, skipped };
  }

  /**
   * Tributary's own addition: for each file the source selects now, whether the next run would take it
   * and why, with the runs and batches that took its earlier versions.
   */
  async decisions(scope: Scope, plan: FlowPlan): Promise<Array<Record<string, unknown>>> {
    const items: Array<Record<string, unknown>> = [];
    for await (const c of this.judge(scope, plan, new Date())) {
      const current = c.versions.find((v) => v.version_tag === c.versionTag);
      items.push({
        path: c.entry.path,
        size: c.entry.size,
        modifiedAt: c.entry.modifiedAt,
        version: c.versionTag,
        decision: c.decision,
        reason: REASONS[c.decision],
        // What became of this version: null when no run took it yet.
        status: current?.status ?? null,
        ...(current?.status === 'failed' ? { failure: describeFailure(current) } : {}),
        ingestedVersions: c.versions
          .map((h) => ({
            version: h.version_tag,
            status: h.status,
            runId: h.run_id,
            batchId: h.batch_id,
            at: new Date(h.recorded_at).getTime(),
            attempts: h.attempts,
            ...(h.reason_code ? { reasonCode: h.reason_code } : {}),
          }))
          .sort((a, b) => a.at - b.at),
      });
    }
    return items;
  }
}

/**
 * The files of a listing; a failure of the storage becomes a service failure with the connector's own code
 * (bad credentials, unreachable, …): a run records it as its error, and the file-decisions endpoint answers
 * it in Flow Service's shape.
 */
async function* filesOf(listing: AsyncIterable<StorageEntry>): AsyncIterable<StorageEntry> {
  try {
    for await (const entry of listing) if (entry.type === 'file') yield entry;
  } catch (error) {
    throw connectorFailure(error);
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
