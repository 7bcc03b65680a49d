import type { Db } from '../../store/db.js';
import type { Scope } from '../scope.js';

/** Sandbox reset: removes every mapping set (all versions) of the sandbox. */
export async function purgeDataPrepSandbox(db: Db, scope: Scope): Promise<void> {
  await db.query('delete from mapping_sets where org_id = $1 and sandbox_id = $2', [scope.orgId, scope.sandboxId]);
}
