/** The tenant container's storage: one row per resource, scoped by org and sandbox. */
import type { Db, Queryable } from '../../store/db.js';
import type { Scope } from '../scope.js';
import type { Resource } from './resource.js';
import type { ResourceType } from './ids.js';
import { recordChange } from './audit-log.js';

interface Row {
  body: Resource | string;
}

// Both drivers parse json columns; a text body is tolerated all the same.
const bodyOf = (row: Row): Resource => (typeof row.body === 'string' ? (JSON.parse(row.body) as Resource) : row.body);

export class TenantRepository {
  constructor(private readonly db: Db) {}

  /** By `$id` or `meta:altId`. */
  async get(scope: Scope, idOrAltId: string): Promise<Resource | undefined> {
    const rows = await this.db.query<Row>(
      'select body from schema_registry_resources where org_id = $1 and sandbox_id = $2 and (id = $3 or alt_id = $3)',
      [scope.orgId, scope.sandboxId, idOrAltId],
    );
    return rows[0] ? bodyOf(rows[0]) : undefined;
  }

  async getMany(scope: Scope, ids: string[]): Promise<Resource[]> {
    if (ids.length === 0) return [];
    const rows = await this.db.query<Row>(
      'select body from schema_registry_resources where org_id = $1 and sandbox_id = $2 and id = any($3::text[])',
      [scope.orgId, scope.sandboxId, ids],
    );
    return rows.map(bodyOf);
  }

  async list(scope: Scope, type: ResourceType): Promise<Resource[]> {
    const rows = await this.db.query<Row>(
      'select body from schema_registry_resources where org_id = $1 and sandbox_id = $2 and resource_type = $3 order by title, id',
      [scope.orgId, scope.sandboxId, type],
    );
    return rows.map(bodyOf);
  }

  async counts(scope: Scope): Promise<Record<string, number>> {
    const rows = await this.db.query<{ resource_type: string; n: number }>(
      'select resource_type, count(*)::int as n from schema_registry_resources where org_id = $1 and sandbox_id = $2 group by resource_type',
      [scope.orgId, scope.sandboxId],
    );
    return Object.fromEntries(rows.map((r) => [r.resource_type, Number(r.n)]));
  }

  /** Tenant resources whose `refs` name `id` (what would break if it went away). */
  async referencing(scope: Scope, id: string): Promise<string[]> {
    const rows = await this.db.query<{ id: string }>(
      `select id from schema_registry_resources where org_id = $1 and sandbox_id = $2 and jsonb_exists(body::jsonb->'refs', $3)`,
      [scope.orgId, scope.sandboxId, id],
    );
    return rows.map((r) => r.id);
  }

  async insert(scope: Scope, resource: Resource, etag: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(
        `insert into schema_registry_resources (org_id, sandbox_id, id, alt_id, resource_type, title, version, etag, body, created_by, updated_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9::json, $10, $10)`,
        [
          scope.orgId,
          scope.sandboxId,
          resource.$id,
          resource['meta:altId'],
          resource['meta:resourceType'],
          resource.title ?? '',
          resource.version,
          etag,
          JSON.stringify(resource),
          scope.clientId,
        ],
      );
      await recordChange(tx, scope, undefined, resource);
      await bumpRevision(tx, scope);
    });
  }

  async update(scope: Scope, resource: Resource, etag: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      const before = await tx.query<Row>('select body from schema_registry_resources where org_id = $1 and sandbox_id = $2 and id = $3 for update', [
        scope.orgId,
        scope.sandboxId,
        resource.$id,
      ]);
      await tx.query(
        `update schema_registry_resources set body = $4::json, title = $5, etag = $6, updated_by = $7, version = $8, updated_at = now()
         where org_id = $1 and sandbox_id = $2 and id = $3`,
        [scope.orgId, scope.sandboxId, resource.$id, JSON.stringify(resource), resource.title ?? '', etag, scope.clientId, resource.version],
      );
      if (before[0]) await recordChange(tx, scope, bodyOf(before[0]), resource);
      await bumpRevision(tx, scope);
    });
  }

  async delete(scope: Scope, id: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const rows = await tx.query<Row>('delete from schema_registry_resources where org_id = $1 and sandbox_id = $2 and id = $3 returning body', [
        scope.orgId,
        scope.sandboxId,
        id,
      ]);
      if (rows[0]) await recordChange(tx, scope, bodyOf(rows[0]), undefined);
      if (rows.length > 0) await bumpRevision(tx, scope);
      return rows.length > 0;
    });
  }

  /** Every tenant resource of the sandbox, whatever its kind (exports, unions, stats). */
  async all(scope: Scope): Promise<Resource[]> {
    const rows = await this.db.query<Row>(
      'select body from schema_registry_resources where org_id = $1 and sandbox_id = $2 order by created_at, id',
      [scope.orgId, scope.sandboxId],
    );
    return rows.map(bodyOf);
  }

  /** `production` or `development`: the sandbox's type, read from the sandbox the caller was authorised in. */
  async sandboxType(scope: Scope): Promise<string> {
    const rows = await this.db.query<{ type: string }>('select type from sandboxes where id = $1 and org_id = $2', [scope.sandboxId, scope.orgId]);
    return rows[0]?.type ?? 'production';
  }

  /** Bumps the sandbox's change counter on its own (descriptor writes change what resolves too). */
  async touch(scope: Scope): Promise<void> {
    await bumpRevision(this.db, scope);
  }

  /** The sandbox's change counter (0 before its first write). */
  async revision(scope: Scope): Promise<number> {
    const rows = await this.db.query<{ revision: number | string }>(
      'select revision from schema_registry_revisions where org_id = $1 and sandbox_id = $2',
      [scope.orgId, scope.sandboxId],
    );
    return rows[0] ? Number(rows[0].revision) : 0;
  }
}

async function bumpRevision(tx: Queryable, scope: Scope): Promise<void> {
  await tx.query(
    `insert into schema_registry_revisions (org_id, sandbox_id, revision) values ($1, $2, 1)
     on conflict (org_id, sandbox_id) do update set revision = schema_registry_revisions.revision + 1`,
    [scope.orgId, scope.sandboxId],
  );
}
