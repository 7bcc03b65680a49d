import type { Db } from '../../store/db.js';
import type { Lake } from '../../lake/index.js';
import type { Scope } from '../scope.js';

/**
 * Sandbox reset: removes every dataset of the sandbox with its batches (rows cascade), its lake files, and
 * what batches left in the lake's staging area (uploads of open import batches, unfinished writes).
 * Rows go first, so no reader finds a dataset whose files are half removed.
 */
export async function purgeCatalogSandbox(db: Db, lake: Lake, scope: Scope): Promise<void> {
  const batches = await db.query<{ id: string }>('select id from batches where org_id = $1 and sandbox_id = $2', [scope.orgId, scope.sandboxId]);
  const removed = await db.query<{ id: string }>('delete from datasets where org_id = $1 and sandbox_id = $2 returning id', [
    scope.orgId,
    scope.sandboxId,
  ]);
  for (const { id } of removed) await lake.removeDataset({ orgId: scope.orgId, sandboxId: scope.sandboxId, datasetId: id });
  for (const { id } of batches) await lake.abandonStaging(id);
}
