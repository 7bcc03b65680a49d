import type { Db } from '../../store/db.js';
import type { Scope } from '../scope.js';

/** Sandbox reset: removes the sandbox's queries and their kept results. */
export async function purgeQuerySandbox(db: Db, scope: Scope): Promise<void> {
  await db.query('delete from queries where org_id = $1 and sandbox_id = $2', [scope.orgId, scope.sandboxId]);
}
