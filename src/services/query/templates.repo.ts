import type { Queryable } from '../../store/db.js';
import type { Scope } from '../scope.js';
import { type ListParams, listSql } from './list-params.js';

/** SQL for Query Service's query templates. */

export interface TemplateRow {
  id: string;
  name: string;
  sql: string;
  query_parameters: Record<string, string>;
  user_id: string;
  last_updated_by: string | null;
  created_at: Date;
  updated_at: Date;
}

export interface TemplateFields {
  name: string;
  sql: string;
  queryParameters: Record<string, string>;
}

const isUuid = (id: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);

export async function insertTemplate(db: Queryable, scope: Scope, id: string, fields: TemplateFields): Promise<void> {
  await db.query(
    `insert into query_templates (id, org_id, sandbox_id, name, sql, query_parameters, user_id) values ($1, $2, $3, $4, $5, $6::jsonb, $7)`,
    [id, scope.orgId, scope.sandboxId, fields.name, fields.sql, JSON.stringify(fields.queryParameters), scope.clientId],
  );
}

export async function findTemplate(db: Queryable, scope: Scope, id: string): Promise<TemplateRow | null> {
  if (!isUuid(id)) return null;
  const rows = await db.query<TemplateRow>('select * from query_templates where id = $1 and org_id = $2 and sandbox_id = $3', [
    id,
    scope.orgId,
    scope.sandboxId,
  ]);
  return rows[0] ?? null;
}

export async function replaceTemplate(db: Queryable, scope: Scope, id: string, fields: TemplateFields): Promise<boolean> {
  if (!isUuid(id)) return false;
  const rows = await db.query(
    `update query_templates set name = $4, sql = $5, query_parameters = $6::jsonb, last_updated_by = $7, updated_at = now()
     where id = $1 and org_id = $2 and sandbox_id = $3 returning id`,
    [id, scope.orgId, scope.sandboxId, fields.name, fields.sql, JSON.stringify(fields.queryParameters), scope.clientId],
  );
  return rows.length > 0;
}

export async function deleteTemplate(db: Queryable, scope: Scope, id: string): Promise<boolean> {
  if (!isUuid(id)) return false;
  const rows = await db.query('delete from query_templates where id = $1 and org_id = $2 and sandbox_id = $3 returning id', [
    id,
    scope.orgId,
    scope.sandboxId,
  ]);
  return rows.length > 0;
}

export async function selectTemplates(db: Queryable, scope: Scope, params: ListParams): Promise<TemplateRow[]> {
  const values: unknown[] = [scope.orgId, scope.sandboxId];
  const { where, orderBy, limitOffset } = listSql(params, values);
  return db.query<TemplateRow>(`select * from query_templates where org_id = $1 and sandbox_id = $2${where} ${orderBy} ${limitOffset}`, values);
}

export async function countTemplates(db: Queryable, scope: Scope, params: ListParams): Promise<number> {
  const values: unknown[] = [scope.orgId, scope.sandboxId];
  const { where } = listSql({ ...params, after: null }, values, { page: false });
  const rows = await db.query<{ n: string | number }>(
    `select count(*) as n from query_templates where org_id = $1 and sandbox_id = $2${where}`,
    values,
  );
  return Number(rows[0]?.n ?? 0);
}

export async function deleteSandboxTemplates(db: Queryable, scope: Scope): Promise<void> {
  await db.query('delete from query_templates where org_id = $1 and sandbox_id = $2', [scope.orgId, scope.sandboxId]);
}
