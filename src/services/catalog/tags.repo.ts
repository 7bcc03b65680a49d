import type { Queryable } from '../../store/db.js';
import type { Scope } from '../scope.js';

/** The datasets and batches of a scope holding a tag named `namespace` or `namespace/…`, with their tags. */
export async function selectTagged(
  db: Queryable,
  scope: Scope,
  namespace: string,
): Promise<Array<{ kind: 'dataSet' | 'batch'; id: string; tags: Record<string, unknown> }>> {
  const matching = `exists (select 1 from jsonb_object_keys(tags) k where k = $3 or left(k, length($3) + 1) = $3 || '/')`;
  return db.query(
    `select 'dataSet' as kind, id, tags from datasets where org_id = $1 and sandbox_id = $2 and ${matching}
     union all
     select 'batch' as kind, id, tags from batches where org_id = $1 and sandbox_id = $2 and status <> 'deleted' and ${matching}
     order by kind desc, id`,
    [scope.orgId, scope.sandboxId, namespace],
  );
}

/** Replaces a batch's tags. */
export async function updateBatchTags(db: Queryable, scope: Scope, id: string, tags: Record<string, unknown>): Promise<void> {
  await db.query('update batches set tags = $4::jsonb, updated_at = now() where id = $1 and org_id = $2 and sandbox_id = $3', [
    id,
    scope.orgId,
    scope.sandboxId,
    JSON.stringify(tags),
  ]);
}
