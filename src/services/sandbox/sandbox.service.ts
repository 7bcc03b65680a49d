import { randomUUID } from 'node:crypto';
import type { Db } from '../../store/db.js';
import { ServiceError, conflict, invalid, notFound } from '../errors.js';
import type { Scope } from '../scope.js';
import type { SandboxPurger, SandboxState, SandboxType, SandboxView } from './types.js';

interface SandboxRow {
  id: string;
  org_id: string;
  name: string;
  title: string;
  type: SandboxType;
  state: SandboxState;
  is_default: boolean;
  etag: number;
  created_by: string;
  modified_by: string;
  created_at: Date | string;
  updated_at: Date | string;
  tenant_id?: string;
}

/** Tributary runs in one place; the Sandbox API's `region` names it. */
const REGION = 'local';
const PRODUCTION_NAME = 'prod';
const NAME = /^[a-z0-9][a-z0-9-]{0,61}$/;

function view(row: SandboxRow): SandboxView {
  return {
    id: row.id,
    name: row.name,
    title: row.title,
    state: row.state,
    type: row.type,
    region: REGION,
    isDefault: row.is_default,
    etag: row.etag,
    createdDate: new Date(row.created_at).toISOString(),
    lastModifiedDate: new Date(row.updated_at).toISOString(),
    createdBy: row.created_by,
    modifiedBy: row.modified_by,
  };
}

export interface SandboxListQuery {
  /** `property=name==dev` / `property=state==active` / `property=type==development` filters (several allowed). */
  property?: string[];
  /** `orderBy=asc:name` or `desc:createdDate` (`created`, `name`, `title` …). */
  orderBy?: string;
  limit?: number;
  start?: number;
}

export interface SandboxServiceOptions {
  /** Where a failed reset or deletion is reported. */
  log?: (message: string, fields?: Record<string, unknown>) => void;
}

/**
 * Sandboxes of an org: creation, reset (every service empties its part) and deletion. Reset and deletion
 * answer at once with the sandbox `resetting`/`deleting` and finish in the background, as AEP's 202 does;
 * a process that stops midway picks them up again on its next start (`resumeInterrupted`).
 */
export class SandboxService {
  private readonly pending = new Set<Promise<void>>();
  private readonly log: NonNullable<SandboxServiceOptions['log']>;

  constructor(
    private readonly db: Db,
    private readonly purgers: SandboxPurger[],
    options: SandboxServiceOptions = {},
  ) {
    this.log = options.log ?? (() => undefined);
  }

  /** `GET /sandboxTypes`. */
  types(): { sandboxTypes: Array<{ id: SandboxType; title: string }> } {
    return {
      sandboxTypes: [
        { id: 'production', title: 'Production' },
        { id: 'development', title: 'Development' },
      ],
    };
  }

  /** `GET /sandboxes`: every sandbox of the org that is not deleted. */
  async list(orgId: string, query: SandboxListQuery = {}): Promise<{ sandboxes: SandboxView[]; total: number }> {
    let all = (await this.rows(orgId)).filter((r) => r.state !== 'deleted').map(view);
    for (const filter of query.property ?? []) {
      const match = /^(name|title|state|type)(==|!=)(.*)$/.exec(filter);
      if (!match) throw invalid(`property filter "${filter}" is not understood; use name|title|state|type == or != a value`);
      const [, field, op, value] = match as unknown as [string, 'name' | 'title' | 'state' | 'type', string, string];
      all = all.filter((s) => (op === '==') === (String(s[field]).toLowerCase() === value.toLowerCase()));
    }
    if (query.orderBy) {
      const [dir, field] = query.orderBy.includes(':') ? (query.orderBy.split(':', 2) as [string, string]) : ['asc', query.orderBy];
      const key = ({ created: 'createdDate', updated: 'lastModifiedDate' } as Record<string, string>)[field] ?? field;
      if (!['name', 'title', 'createdDate', 'lastModifiedDate', 'state', 'type'].includes(key)) throw invalid(`cannot order sandboxes by "${field}"`);
      const sign = dir === 'desc' ? -1 : 1;
      all.sort((a, b) => sign * String(a[key as keyof SandboxView]).localeCompare(String(b[key as keyof SandboxView])));
    }
    const start = query.start ?? 0;
    const limit = query.limit ?? 50;
    return { sandboxes: all.slice(start, start + limit), total: all.length };
  }

  /** `GET /`: the sandboxes a caller can work in now. */
  async listAvailable(orgId: string): Promise<SandboxView[]> {
    return (await this.rows(orgId)).filter((r) => r.state === 'active').map(view);
  }

  /** `GET /sandboxes/{name}`. A deleted sandbox is still shown, as `deleted`, until its name is reused. */
  async get(orgId: string, name: string): Promise<SandboxView> {
    return view(await this.row(orgId, name));
  }

  /** `POST /sandboxes`: development sandboxes only; the org's one production sandbox is `prod`. */
  async create(scope: Scope, body: unknown): Promise<SandboxView> {
    const input = (body ?? {}) as { name?: unknown; title?: unknown; type?: unknown };
    if (typeof input.name !== 'string' || !NAME.test(input.name)) {
      throw invalid('name is required: lower-case letters, digits and dashes, at most 62 characters, starting with a letter or digit');
    }
    if (input.title !== undefined && (typeof input.title !== 'string' || input.title.trim() === ''))
      throw invalid('title must be a non-empty string');
    const type = typeof input.type === 'string' ? input.type.toLowerCase() : 'development';
    if (type === 'production') throw invalid(`an org has one production sandbox, "${PRODUCTION_NAME}"; create development sandboxes`);
    if (type !== 'development') throw invalid('type must be "development" or "production"');
    const existing = (await this.db.query<SandboxRow>('select * from sandboxes where org_id = $1 and name = $2', [scope.orgId, input.name]))[0];
    if (existing && existing.state !== 'deleted') throw conflict(`sandbox "${input.name}" already exists`);
    const id = randomUUID();
    await this.db.transaction(async (tx) => {
      // A deleted sandbox's name may be reused; its data is gone already.
      if (existing) await tx.query(`delete from sandboxes where id = $1 and state = 'deleted'`, [existing.id]);
      await tx.query(
        `insert into sandboxes (id, org_id, name, title, type, state, created_by, modified_by) values ($1, $2, $3, $4, 'development', 'creating', $5, $5)`,
        [id, scope.orgId, input.name, (input.title as string | undefined) ?? input.name, scope.clientId],
      );
    });
    // Nothing to provision: every service keys its data by sandbox id, so the sandbox is usable at once.
    await this.setState(id, 'active', scope.clientId);
    return this.get(scope.orgId, input.name);
  }

  /** `PATCH /sandboxes/{name}`: the title only. */
  async update(scope: Scope, name: string, body: unknown): Promise<SandboxView> {
    const input = (body ?? {}) as { title?: unknown };
    if (typeof input.title !== 'string' || input.title.trim() === '') throw invalid('title is required');
    const row = await this.row(scope.orgId, name);
    if (row.state === 'deleted') throw notFound(`sandbox "${name}" does not exist`);
    await this.db.query('update sandboxes set title = $1, etag = etag + 1, modified_by = $2, updated_at = now() where id = $3', [
      input.title,
      scope.clientId,
      row.id,
    ]);
    return this.get(scope.orgId, name);
  }

  /** `PUT /sandboxes/{name}` with `{"action":"reset"}`: empties the sandbox; answers `resetting`. */
  async reset(scope: Scope, name: string, body: unknown): Promise<SandboxView> {
    const action = (body as { action?: unknown } | null)?.action;
    if (typeof action !== 'string' || action.toLowerCase() !== 'reset') throw invalid('the body must be {"action": "reset"}');
    const row = await this.transition(scope, name, 'resetting');
    this.background(row, 'active');
    return view({ ...row, state: 'resetting' });
  }

  /** `DELETE /sandboxes/{name}`: empties the sandbox and marks it deleted; the default production sandbox stays. */
  async delete(scope: Scope, name: string): Promise<SandboxView> {
    const current = await this.row(scope.orgId, name);
    if (current.is_default) throw new ServiceError('forbidden', 'the default production sandbox cannot be deleted');
    const row = await this.transition(scope, name, 'deleting');
    this.background(row, 'deleted');
    return view({ ...row, state: 'deleting' });
  }

  /** Start-up: finishes resets and deletions a stopped process left halfway (purgers are idempotent). */
  async resumeInterrupted(): Promise<number> {
    const rows = await this.db.query<SandboxRow & { tenant_id: string }>(
      `select s.*, o.tenant_id from sandboxes s join orgs o on o.id = s.org_id where s.state in ('resetting', 'deleting')`,
    );
    for (const row of rows) this.background(row, row.state === 'resetting' ? 'active' : 'deleted');
    return rows.length;
  }

  /** Resolves once every reset and deletion started by this process has ended. */
  async settle(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Moves an active sandbox into a transient state, atomically: two resets never run at once. */
  private async transition(scope: Scope, name: string, to: 'resetting' | 'deleting'): Promise<SandboxRow & { tenant_id: string }> {
    const rows = await this.db.query<SandboxRow>(
      `update sandboxes set state = $1, etag = etag + 1, modified_by = $2, updated_at = now()
       where org_id = $3 and name = $4 and state in ('active', 'failed') returning *`,
      [to, scope.clientId, scope.orgId, name],
    );
    if (!rows[0]) {
      const row = await this.row(scope.orgId, name);
      throw conflict(`sandbox "${name}" is ${row.state}; only an active sandbox can be ${to === 'resetting' ? 'reset' : 'deleted'}`);
    }
    return { ...rows[0], tenant_id: scope.tenantId };
  }

  private background(row: SandboxRow & { tenant_id: string }, end: 'active' | 'deleted'): void {
    const scope: Scope = {
      orgId: row.org_id,
      sandboxId: row.id,
      sandboxName: row.name,
      tenantId: row.tenant_id,
      clientId: 'tributary-sandbox-management',
    };
    const work = (async () => {
      try {
        for (const purger of this.purgers) await purger.purgeSandbox(scope);
        await this.setState(row.id, end, row.modified_by);
      } catch (error) {
        this.log('sandbox purge failed', { sandboxName: row.name, orgId: row.org_id, error: (error as Error).message });
        await this.setState(row.id, 'failed', row.modified_by).catch(() => undefined);
      }
    })();
    this.pending.add(work);
    void work.finally(() => this.pending.delete(work));
  }

  private async setState(id: string, state: SandboxState, by: string): Promise<void> {
    await this.db.query('update sandboxes set state = $1, etag = etag + 1, modified_by = $2, updated_at = now() where id = $3', [state, by, id]);
  }

  private rows(orgId: string): Promise<SandboxRow[]> {
    return this.db.query<SandboxRow>('select * from sandboxes where org_id = $1 order by is_default desc, created_at, name', [orgId]);
  }

  private async row(orgId: string, name: string): Promise<SandboxRow> {
    const row = (await this.db.query<SandboxRow>('select * from sandboxes where org_id = $1 and name = $2', [orgId, name.toLowerCase()]))[0];
    if (!row) throw notFound(`sandbox "${name}" does not exist`);
    return row;
  }
}
