/**
 * The Schema Registry audit log: every create, update and delete of a tenant resource is recorded, in the same
 * transaction as the write, as the JSON Patch-like operations that turn the old body into the new one.
 * `GET /rpc/auditlog/{id}` lists a resource's changes, and those of the tenant resources it uses.
 */
import { randomBytes } from 'node:crypto';
import jsonpatch from 'fast-json-patch';
import type { Queryable } from '../../store/db.js';
import type { Scope } from '../scope.js';
import type { Resource } from './resource.js';

/** One change as the audit log shows it (field names of the spec's `retrieveAuditLog`). */
export interface AuditUpdate {
  id: string;
  xdmType: string;
  action: 'add' | 'remove' | 'replace';
  path: string;
  value?: unknown;
}

export interface AuditEntry {
  id: string;
  updatedUser: string;
  imsOrg: string;
  updatedTime: string;
  requestId: string;
  clientId: string;
  sandboxId: string;
  updates: AuditUpdate[];
}

interface AuditRow {
  resource_id: string;
  client_id: string;
  org_id: string;
  sandbox_id: string;
  request_id: string;
  updated_at: Date | string;
  updates: AuditUpdate[] | string;
}

/** The operations from `before` to `after` (either may be absent: a create, a delete), with removed values kept. */
export function diff(before: Resource | undefined, after: Resource | undefined): AuditUpdate[] {
  const from = (before ?? {}) as Record<string, unknown>;
  const to = (after ?? {}) as Record<string, unknown>;
  const resource = (after ?? before)!;
  return jsonpatch.compare(from, to).flatMap((op): AuditUpdate[] => {
    const base = { id: resource.$id, xdmType: String(resource['meta:resourceType']), path: op.path };
    if (op.op === 'remove') return [{ ...base, action: 'remove', value: jsonpatch.getValueByPointer(from, op.path) }];
    if (op.op === 'add' || op.op === 'replace') return [{ ...base, action: op.op, value: op.value }];
    return [];
  });
}

/** Records one write of `before` → `after` by the scope's client; nothing when the body did not change. */
export async function recordChange(tx: Queryable, scope: Scope, before: Resource | undefined, after: Resource | undefined): Promise<void> {
  const updates = diff(before, after);
  if (updates.length === 0) return;
  const resource = (after ?? before)!;
  await tx.query(
    `insert into schema_registry_audit (org_id, sandbox_id, resource_id, alt_id, resource_type, client_id, request_id, updates)
     values ($1, $2, $3, $4, $5, $6, $7, $8::jsonb)`,
    [
      scope.orgId,
      scope.sandboxId,
      resource.$id,
      resource['meta:altId'],
      resource['meta:resourceType'],
      scope.clientId,
      // AEP's request ids are 32 letters and digits.
      randomBytes(24).toString('base64url').replace(/[-_]/g, '0').slice(0, 32),
      JSON.stringify(updates),
    ],
  );
}

/** The `$id` that an id or `meta:altId` named in the log, if the log knows it (a deleted resource's too). */
export async function loggedId(db: Queryable, scope: Scope, idOrAltId: string): Promise<string | undefined> {
  const rows = await db.query<{ resource_id: string }>(
    'select resource_id from schema_registry_audit where org_id = $1 and sandbox_id = $2 and (resource_id = $3 or alt_id = $3) limit 1',
    [scope.orgId, scope.sandboxId, idOrAltId],
  );
  return rows[0]?.resource_id;
}

/** AEP shows `updatedTime` as `MM-DD-YYYY HH:mm:ss` (UTC). */
function aepTime(value: Date | string): string {
  const d = new Date(value);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}-${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

/** The changes of the given resources, in the order they were made. */
export async function entriesOf(db: Queryable, scope: Scope, resourceIds: string[]): Promise<AuditEntry[]> {
  const rows = await db.query<AuditRow>(
    `select resource_id, client_id, org_id, sandbox_id, request_id, updated_at, updates from schema_registry_audit
     where org_id = $1 and sandbox_id = $2 and resource_id = any($3::text[]) order by seq`,
    [scope.orgId, scope.sandboxId, resourceIds],
  );
  return rows.map((r) => ({
    id: r.resource_id,
    // Tributary's callers are API clients (technical accounts): the client is the user.
    updatedUser: r.client_id,
    imsOrg: r.org_id,
    updatedTime: aepTime(r.updated_at),
    requestId: r.request_id,
    clientId: r.client_id,
    sandboxId: r.sandbox_id,
    updates: typeof r.updates === 'string' ? (JSON.parse(r.updates) as AuditUpdate[]) : r.updates,
  }));
}
