import type { Db } from '../../store/db.js';
import type { Scope } from '../scope.js';

/** Sandbox reset: removes the sandbox's custom identity namespaces (the standard ones ship with the code). */
export async function purgeIdentityNamespaceSandbox(db: Db, scope: Scope): Promise<void> {
  await db.query('delete from identity_namespaces where org_id = $1 and sandbox_id = $2', [scope.orgId, scope.sandboxId]);
}
