import type { Db } from '../../store/db.js';
import type { Scope } from '../scope.js';

/**
 * Sandbox reset: removes the tenant container's classes, field groups, data types, schemas and descriptors.
 * The revision is bumped, not reset, so no process keeps serving a validator compiled before the purge.
 */
export async function purgeSchemaRegistrySandbox(db: Db, scope: Scope): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.query('delete from schema_registry_descriptors where org_id = $1 and sandbox_id = $2', [scope.orgId, scope.sandboxId]);
    await tx.query('delete from schema_registry_descriptors where org_id = $1 and sandbox_id = $2', [scope.orgId, scope.sandboxId]);
    await tx.query('delete from schema_registry_resources where org_id = $1 and sandbox_id = $2', [scope.orgId, scope.sandboxId]);
    await tx.query('delete from schema_registry_audit where org_id = $1 and sandbox_id = $2', [scope.orgId, scope.sandboxId]);
    await tx.query('update schema_registry_revisions set revision = revision + 1 where org_id = $1 and sandbox_id = $2', [
      scope.orgId,
      scope.sandboxId,
    ]);
  });
}
