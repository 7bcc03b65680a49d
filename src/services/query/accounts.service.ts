import { randomBytes, randomUUID } from 'node:crypto';
import { hashSecret, verifySecret } from '../../security/passwords.js';
import type { Db } from '../../store/db.js';
import { invalid, notFound } from '../errors.js';
import type { Scope } from '../scope.js';

interface AccountRow {
  id: string;
  org_id: string;
  username: string;
  secret_hash: string;
  name: string | null;
  description: string | null;
  created_by: string;
  created_at: Date;
}

/** A technical account as listed: never its secret or hash. */
export interface AccountView {
  id: string;
  technicalAccountId: string;
  username: string;
  name?: string;
  description?: string;
  createdBy: string;
  created: string;
  _links: { self: { href: string; method?: string }; delete: { href: string; method: 'DELETE' } };
}

const BASE = '/data/foundation/query/accounts';
/** Technical account user names look like AEP's (`…@techacct.adobe.com`), so clients that check the form accept them. */
const ACCOUNT_DOMAIN = '@techacct.adobe.com';

function view(row: AccountRow): AccountView {
  const self = `${BASE}/${row.id}`;
  return {
    id: row.id,
    technicalAccountId: row.username.slice(0, -ACCOUNT_DOMAIN.length),
    username: row.username,
    ...(row.name ? { name: row.name } : {}),
    ...(row.description ? { description: row.description } : {}),
    createdBy: row.created_by,
    created: new Date(row.created_at).toISOString(),
    _links: { self: { href: self }, delete: { href: self, method: 'DELETE' } },
  };
}

/**
 * Query Service's technical accounts: non-expiring credentials of the PostgreSQL interface. Making one gives a user
 * name and a password, shown once; the org's sandbox is chosen at each login by the database name, as with a token.
 */
export class QueryAccountsService {
  constructor(private readonly db: Db) {}

  async create(scope: Scope, body: unknown): Promise<AccountView & { password: string }> {
    const input = (body ?? {}) as Record<string, unknown>;
    if (typeof input !== 'object' || Array.isArray(input)) throw invalid('the request body must be a JSON object');
    for (const key of ['name', 'description'] as const) {
      const value = input[key];
      if (value !== undefined && value !== null && typeof value !== 'string') throw invalid(`"${key}" must be a string`);
      if (typeof value === 'string' && value.length > 512) throw invalid(`"${key}" may hold at most 512 characters`);
    }
    const id = randomUUID();
    const username = `${randomBytes(12).toString('hex').toUpperCase()}${ACCOUNT_DOMAIN}`;
    const password = `pq-${randomBytes(24).toString('base64url')}`;
    const rows = await this.db.query<AccountRow>(
      `insert into query_accounts (id, org_id, username, secret_hash, name, description, created_by)
       values ($1, $2, $3, $4, $5, $6, $7) returning *`,
      [id, scope.orgId, username, await hashSecret(password), input.name ?? null, input.description ?? null, scope.clientId],
    );
    return { ...view(rows[0]!), password };
  }

  async list(scope: Scope): Promise<{ accounts: AccountView[]; version: 1 }> {
    const rows = await this.db.query<AccountRow>('select * from query_accounts where org_id = $1 order by created_at, id', [scope.orgId]);
    return { accounts: rows.map(view), version: 1 };
  }

  async get(scope: Scope, id: string): Promise<AccountView> {
    const row = (await this.db.query<AccountRow>('select * from query_accounts where org_id = $1 and id = $2', [scope.orgId, id]))[0];
    if (!row) throw notFound(`account "${id}" not found`);
    return view(row);
  }

  /** Deletes an account: its credentials log in no more (connections already open stay until they end). */
  async remove(scope: Scope, id: string): Promise<void> {
    const rows = await this.db.query('delete from query_accounts where org_id = $1 and id = $2 returning id', [scope.orgId, id]);
    if (rows.length === 0) throw notFound(`account "${id}" not found`);
  }

  /**
   * The scope an account's credentials log in to in a sandbox of its org, or null when the user name is no
   * account's; a wrong secret, or a sandbox that is not there or not active, gives null too.
   */
  async login(username: string, secret: string, sandboxName: string): Promise<Scope | null> {
    if (!username.endsWith(ACCOUNT_DOMAIN)) return null;
    const account = (await this.db.query<AccountRow>('select * from query_accounts where username = $1', [username]))[0];
    if (!account || !(await verifySecret(secret, account.secret_hash))) return null;
    const sandbox = (
      await this.db.query<{ id: string; name: string; tenant_id: string }>(
        `select s.id, s.name, o.tenant_id from sandboxes s join orgs o on o.id = s.org_id
         where s.org_id = $1 and s.name = $2 and s.state = 'active'`,
        [account.org_id, sandboxName.toLowerCase()],
      )
    )[0];
    if (!sandbox) return null;
    return { orgId: account.org_id, tenantId: sandbox.tenant_id, sandboxId: sandbox.id, sandboxName: sandbox.name, clientId: account.username };
  }
}
