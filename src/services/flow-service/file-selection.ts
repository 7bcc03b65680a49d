import type { Db } from '../../store/db.js';
import { selectFiles, type StorageEntry } from '../../connectors/index.js';
import { manifestRows, MANIFEST_PAGE_ROWS } from './manifest-cursor.js';
import { mergeByPath, type ManifestRow } from './manifest-merge.js';
import { sortedByPath, SORT_CHUNK_ENTRIES } from './sorted-listing.js';
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
  /** Files modified after this (epoch ms) may still be being written. */
  settleBefore: number;
  /** The schedule's start (epoch ms); files modified before it are skipped unless `backfill`. */
  startMs: number;
  backfill: boolean;
}

/** Whether a run takes one listed file, given the manifest's rows of its path. */
function decide(entry: StorageEntry, tag: string, versions: ManifestRow[], rules: Rules): FileDecision {
  const ingested = versions.filter((v) => v.status === 'ingested');
  let decision: FileDecision = ingested.length > 0 ? (ingested.some((v) => v.version_tag === tag) ? 'already_ingested' : 'changed') : 'new';
  if (decision !== 'already_ingested') {
    if (entry.modifiedAt !== undefined && entry.modifiedAt > rules.settleBefore) decision = 'settling';
    else if (!rules.backfill && entry.modifiedAt !== undefined && entry.modifiedAt < rules.startMs) decision = 'before_start';
  }
  return decision;
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

  /** Lists the source once and decides, file by file in path order, whether a run starting at `listedAt` takes it. */
  async *judge(scope: Scope, plan: FlowPlan, listedAt: Date): AsyncIterable<JudgedFile> {
    const source = await this.endpoints.fileSource(scope, plan.sourceConnectionId);
    const { storage } = await this.connections.open(scope, source.baseConnectionId);
    const rules: Rules = {
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
  async select(scope: Scope, plan: FlowPlan, listedAt: Date): Promise<Selection> {
    const chosen: Candidate[] = [];
    let skipped = 0;
    for await (const { entry, versionTag, decision } of this.judge(scope, plan, listedAt)) {
      if (decision === 'new' || decision === 'changed') chosen.push({ entry, versionTag, decision });
      else skipped += 1;
    }
    return { chosen, skipped };
  }

  /** Every listed file with its decision, in path order. */
  async candidates(scope: Scope, plan: FlowPlan, listedAt: Date): Promise<Candidate[]> {
    const result: Candidate[] = [];
    for await (const { entry, versionTag, decision } of this.judge(scope, plan, listedAt)) result.push({ entry, versionTag, decision });
    return result;
  }

  /**
   * Tributary's own addition: for each file the source selects now, whether the next run would take it
   * and why, with the runs and batches that took its earlier versions.
   */
  async decisions(scope: Scope, plan: FlowPlan): Promise<Array<Record<string, unknown>>> {
    const items: Array<Record<string, unknown>> = [];
    for await (const c of this.judge(scope, plan, new Date())) {
      items.push({
        path: c.entry.path,
        size: c.entry.size,
        modifiedAt: c.entry.modifiedAt,
        version: c.versionTag,
        decision: c.decision,
        reason: REASONS[c.decision],
        ingestedVersions: c.versions
          .map((h) => ({ version: h.version_tag, status: h.status, runId: h.run_id, batchId: h.batch_id, at: new Date(h.recorded_at).getTime() }))
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
