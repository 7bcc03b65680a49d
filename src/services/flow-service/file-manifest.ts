import type { ManifestRow } from './flow-files.repo.js';

/** What a flow's manifest says of one file version, before the schedule's rules (settling, start time) apply. */
export type ManifestDecision =
  /** Never taken by this flow. */
  | 'new'
  /** Another version was taken before. */
  | 'changed'
  | 'already_ingested'
  /** This version failed for its content: left alone until it changes, or a re-trigger of its run asks for it. */
  | 'failed_content'
  /** This version failed for a transient reason and its next attempt is not due yet. */
  | 'retry_later'
  /** This version failed before and is taken again: its delay has passed, or a re-trigger asks for it. */
  | 'retry';

/** Decisions a run takes the file on. */
export const TAKEN: ReadonlySet<string> = new Set(['new', 'changed', 'retry']);

/** A flow's manifest, by path and version, as a run judges its listing against it. */
export class Manifest {
  private readonly byPath = new Map<string, Map<string, ManifestRow>>();

  constructor(rows: Iterable<ManifestRow>) {
    for (const row of rows) {
      let versions = this.byPath.get(row.path);
      if (!versions) this.byPath.set(row.path, (versions = new Map()));
      versions.set(row.version_tag, row);
    }
  }

  /** What the manifest knows of this version of the file, if anything. */
  version(path: string, tag: string): ManifestRow | undefined {
    return this.byPath.get(path)?.get(tag);
  }

  /** Every version of the file the flow took, oldest first. */
  history(path: string): ManifestRow[] {
    return [...(this.byPath.get(path)?.values() ?? [])];
  }

  /**
   * Whether a run starting at `nowMs` takes this version; `retakeFailedOf` is the run a re-trigger repeats:
   * the files that run failed on are taken again, whatever their failure.
   */
  judge(path: string, tag: string, nowMs: number, retakeFailedOf: string | null = null): ManifestDecision {
    return judgeVersion([...(this.byPath.get(path)?.values() ?? [])], tag, nowMs, retakeFailedOf);
  }
}

/** The same judgement from the manifest's rows of one path (what the sorted join of listing and manifest holds). */
export function judgeVersion(versions: readonly ManifestRow[], tag: string, nowMs: number, retakeFailedOf: string | null = null): ManifestDecision {
  if (versions.length === 0) return 'new';
  const row = versions.find((v) => v.version_tag === tag);
  if (!row) return 'changed';
  if (row.status === 'ingested') return 'already_ingested';
  if (retakeFailedOf !== null && row.run_id === retakeFailedOf) return 'retry';
  if (row.failure_kind === 'content') return 'failed_content';
  if (row.next_attempt_at !== null && new Date(row.next_attempt_at).getTime() > nowMs) return 'retry_later';
  return 'retry';
}
