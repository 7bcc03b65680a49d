import { randomUUID } from 'node:crypto';
import type { Db } from '../../store/db.js';
import { serviceError } from '../error-codes.js';
import { invalid } from '../errors.js';
import type { Scope } from '../scope.js';
import { type FilterDef, type RawListQuery, pageOf, parseListParams } from './list-params.js';
import { checkSqlText } from './sandboxed-sql.js';
import { parseQueryParameters } from './sql-parameters.js';
import * as repo from './templates.repo.js';

const BASE = '/data/foundation/query';

/** A query template as Query Service shows it. */
export interface QueryTemplateView {
  id: string;
  name: string;
  sql: string;
  queryParameters: Record<string, string>;
  userId: string;
  lastUpdatedBy?: string;
  created: string;
  updated: string;
  _links: Record<string, { href: string; method: string; body?: string }>;
}

const FILTERS: Record<string, FilterDef> = {
  name: { column: 'name', kind: 'text', ops: ['~', '=='] },
  userId: { column: 'user_id', kind: 'user', ops: ['=='] },
  lastUpdatedBy: { column: 'last_updated_by', kind: 'user', ops: ['=='] },
};

/** Query templates (`/query-templates`): saved SQL with default parameters, per org and sandbox. */
export class QueryTemplatesService {
  constructor(private readonly db: Db) {}

  async create(scope: Scope, body: unknown): Promise<QueryTemplateView> {
    const id = randomUUID();
    await repo.insertTemplate(this.db, scope, id, fieldsOf(body));
    return this.get(scope, id);
  }

  async get(scope: Scope, id: string): Promise<QueryTemplateView> {
    return view(await this.row(scope, id));
  }

  /** The template's SQL and default parameters, for a query or a schedule made from it. */
  async resolve(scope: Scope, id: string): Promise<{ id: string; name: string; sql: string; queryParameters: Record<string, string> }> {
    const row = await repo.findTemplate(this.db, scope, id);
    if (!row) throw serviceError('queryTemplateUnknown', `query template "${id}" does not exist in this sandbox`);
    return { id: row.id, name: row.name, sql: row.sql, queryParameters: row.query_parameters };
  }

  /** PUT overwrites: `name` and `sql` are both required, as AEP's guide says. */
  async replace(scope: Scope, id: string, body: unknown): Promise<QueryTemplateView> {
    const fields = fieldsOf(body);
    if (!(await repo.replaceTemplate(this.db, scope, id, fields))) throw serviceError('queryTemplateNotFound', `query template "${id}" not found`);
    return this.get(scope, id);
  }

  async remove(scope: Scope, id: string): Promise<{ message: string; statusCode: number }> {
    if (!(await repo.deleteTemplate(this.db, scope, id))) throw serviceError('queryTemplateNotFound', `query template "${id}" not found`);
    return { message: 'Deleted', statusCode: 202 };
  }

  async list(scope: Scope, query: RawListQuery) {
    const params = parseListParams(query, FILTERS);
    const templates = (await repo.selectTemplates(this.db, scope, params)).map(view);
    const field = params.column === 'created_at' ? 'created' : 'updated';
    return {
      templates,
      ...pageOf(params, templates.length, `${BASE}/query-templates`, templates[0]?.[field], templates.at(-1)?.[field]),
      version: 1,
    };
  }

  /** `GET /query-templates/count` (only `userId` filters it, as in AEP). */
  async count(scope: Scope, query: RawListQuery): Promise<{ totalCount: number; version: number }> {
    const params = parseListParams({ property: query.property }, { userId: FILTERS.userId! });
    return { totalCount: await repo.countTemplates(this.db, scope, params), version: 1 };
  }

  private async row(scope: Scope, id: string): Promise<repo.TemplateRow> {
    const row = await repo.findTemplate(this.db, scope, id);
    if (!row) throw serviceError('queryTemplateNotFound', `query template "${id}" not found`);
    return row;
  }
}

function fieldsOf(body: unknown): repo.TemplateFields {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw invalid('the request body must be a JSON object: {"name": "…", "sql": "SELECT …"}');
  const { name, sql, queryParameters } = body as Record<string, unknown>;
  if (typeof name !== 'string' || name.trim() === '') throw invalid('"name" is required');
  if (name.length > 256) throw invalid('"name" may hold at most 256 characters');
  return { name, sql: checkSqlText(sql), queryParameters: parseQueryParameters(queryParameters) };
}

function view(row: repo.TemplateRow): QueryTemplateView {
  const self = `${BASE}/query-templates/${row.id}`;
  return {
    id: row.id,
    name: row.name,
    sql: row.sql,
    queryParameters: row.query_parameters,
    userId: `${row.user_id}@AdobeID`,
    ...(row.last_updated_by ? { lastUpdatedBy: `${row.last_updated_by}@AdobeID` } : {}),
    created: new Date(row.created_at).toISOString(),
    updated: new Date(row.updated_at).toISOString(),
    _links: {
      self: { href: self, method: 'GET' },
      delete: { href: self, method: 'DELETE' },
      update: { href: self, method: 'PUT', body: '{"sql": "new sql", "name": "new name"}' },
    },
  };
}
