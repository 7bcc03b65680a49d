import type { Queryable } from '../../store/db.js';
import type { ManifestRow } from './flow-files.repo.js';

/** Rows per page: the manifest is read a page at a time, never whole. */
export const MANIFEST_PAGE_ROWS = 2000;

/**
 * A flow's file manifest in `comparePaths` order (`collate "C"`: code points, whatever the database's own
 * collation), read by keyset pages over the index of migration 019: each page starts after the last row of
 * the one before, so a million rows cost a thousand short queries and hold one page at a time. No
 * transaction stays open meanwhile (the embedded database would wait on it), so a run committing during the
 * read may or may not be seen: the file claim of the batch that commits later still refuses a version twice.
 */
export async function* manifestRows(db: Queryable, flowId: string, pageRows = MANIFEST_PAGE_ROWS): AsyncIterable<ManifestRow> {
  let after: { path: string; version: string } | null = null;
  for (;;) {
    const page: ManifestRow[] = await db.query<ManifestRow>(
      `select path, version_tag, status, run_id, batch_id, recorded_at, reason_code, reason_message, failure_kind, attempts, next_attempt_at
       from flow_files
       where flow_id = $1 ${after ? `and (path collate "C", version_tag collate "C") > ($3, $4)` : ''}
       order by path collate "C", version_tag collate "C" limit $2`,
      after ? [flowId, pageRows, after.path, after.version] : [flowId, pageRows],
    );
    yield* page;
    const last = page[page.length - 1];
    if (!last || page.length < pageRows) return;
    after = { path: last.path, version: last.version_tag };
  }
}
