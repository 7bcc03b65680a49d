import { randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../../store/db.js';
import { hashSecret, verifySecret } from '../../security/passwords.js';
import type { TokenIssuer } from '../../security/tokens.js';
import { ServiceError } from '../errors.js';
import type { Scope } from '../scope.js';

export interface Credentials {
  imsOrg: string;
  tenantId: string;
  sandboxName: string;
  clientId: string;
  clientSecret: string;
}

/** What the caller sent besides the token: the gateway headers of every AEP call. */
export interface RequestIdentity {
  bearer: string | undefined;
  apiKey: string | undefined;
  orgHeader: string | undefined;
  sandboxHeader: string | undefined;
}

interface ClientRow {
  client_id: string;
  org_id: string;
  secret_hash: string;
  secret_version: number;
  revoked_at: Date | null;
}

/** An API client as administrators see it: never its secret or hash. */
export interface ClientView {
  clientId: string;
  imsOrg: string;
  name: string;
  secretVersion: number;
  revoked: boolean;
  revokedDate: string | null;
  createdDate: string;
}

function clientView(row: ClientRow & { name: string; created_at: Date }): ClientView {
  return {
    clientId: row.client_id,
    imsOrg: row.org_id,
    name: row.name,
    secretVersion: row.secret_version,
    revoked: row.revoked_at !== null,
    revokedDate: row.revoked_at ? new Date(row.revoked_at).toISOString() : null,
    createdDate: new Date(row.created_at).toISOString(),
  };
}

const newClientSecret = () => `p8e-${randomBytes(24).toString('base64url')}`;

const DEFAULT_SANDBOX = 'prod';

/** Sandbox states in which the sandbox's own resources may be used. */
const USABLE_STATES = ['active'];

/** Orgs, sandboxes, API clients and access tokens. */
export class IdentityService {
  constructor(
    private readonly db: Db,
    private readonly tokens: TokenIssuer,
  ) {}

  /** Creates an org with its production sandbox and returns it; the tenant id is derived from the org name when not given. */
  async createOrg(input: { name: string; tenantId?: string }): Promise<{ orgId: string; tenantId: string; sandboxId: string }> {
    const orgId = `${randomBytes(12).toString('hex').toUpperCase()}@AdobeOrg`;
    const tenantId = input.tenantId ?? `${input.name.toLowerCase().replace(/[^a-z0-9]/g, '')}${randomBytes(3).toString('hex')}`;
    if (!/^[a-z][a-z0-9]{2,}$/.test(tenantId))
      throw new ServiceError('invalid', 'tenantId must be lower-case letters and digits, starting with a letter');
    const taken = await this.db.query('select 1 from orgs where tenant_id = $1', [tenantId]);
    if (taken.length) throw new ServiceError('conflict', `tenant id "${tenantId}" is taken`);
    const sandboxId = randomUUID();
    await this.db.transaction(async (tx) => {
      await tx.query('insert into orgs (id, tenant_id, name) values ($1, $2, $3)', [orgId, tenantId, input.name]);
      await tx.query(
        `insert into sandboxes (id, org_id, name, title, type, state, is_default) values ($1, $2, $3, 'Production', 'production', 'active', true)`,
        [sandboxId, orgId, DEFAULT_SANDBOX],
      );
    });
    return { orgId, tenantId, sandboxId };
  }

  /** Creates a development sandbox in an org. */
  async createSandbox(orgId: string, input: { name: string; title?: string }): Promise<{ sandboxId: string }> {
    if (!/^[a-z0-9][a-z0-9-]{0,61}$/.test(input.name)) throw new ServiceError('invalid', 'a sandbox name is lower-case letters, digits and dashes');
    const sandboxId = randomUUID();
    const taken = await this.db.query('select 1 from sandboxes where org_id = $1 and name = $2', [orgId, input.name]);
    if (taken.length) throw new ServiceError('conflict', `sandbox "${input.name}" already exists`);
    await this.db.query(`insert into sandboxes (id, org_id, name, title, type, state) values ($1, $2, $3, $4, 'development', 'active')`, [
      sandboxId,
      orgId,
      input.name,
      input.title ?? input.name,
    ]);
    return { sandboxId };
  }

  /** Creates an API client of an org; the secret is returned once and stored only as a hash. */
  async createClient(orgId: string, name: string): Promise<{ clientId: string; clientSecret: string }> {
    await this.requireOrg(orgId);
    const clientId = randomBytes(16).toString('hex');
    const clientSecret = newClientSecret();
    await this.db.query('insert into api_clients (client_id, org_id, name, secret_hash) values ($1, $2, $3, $4)', [
      clientId,
      orgId,
      name,
      await hashSecret(clientSecret),
    ]);
    return { clientId, clientSecret };
  }

  /** Every org, oldest first (for administrators). */
  async listOrgs(): Promise<Array<{ imsOrg: string; tenantId: string; name: string; createdDate: string }>> {
    const rows = await this.db.query<{ id: string; tenant_id: string; name: string; created_at: Date }>('select * from orgs order by created_at, id');
    return rows.map((r) => ({ imsOrg: r.id, tenantId: r.tenant_id, name: r.name, createdDate: new Date(r.created_at).toISOString() }));
  }

  /** The API clients of an org, without secrets (for administrators). */
  async listClients(orgId: string): Promise<ClientView[]> {
    await this.requireOrg(orgId);
    const rows = await this.db.query<ClientRow & { name: string; created_at: Date }>(
      'select * from api_clients where org_id = $1 order by created_at, client_id',
      [orgId],
    );
    return rows.map(clientView);
  }

  async getClient(clientId: string): Promise<ClientView> {
    const row = (
      await this.db.query<ClientRow & { name: string; created_at: Date }>('select * from api_clients where client_id = $1', [clientId])
    )[0];
    if (!row) throw new ServiceError('not_found', `API client ${clientId} does not exist`);
    return clientView(row);
  }

  /** Revokes a client: its tokens are refused from the next call on, and it can get no new one. */
  async revokeClient(clientId: string): Promise<ClientView> {
    await this.db.query('update api_clients set revoked_at = coalesce(revoked_at, now()) where client_id = $1', [clientId]);
    return this.getClient(clientId);
  }

  /**
   * Gives a client a new secret and bumps its secret version: `authorize` compares the version a token
   * carries, so every token issued under the old secret is refused at once.
   */
  async rotateClientSecret(clientId: string): Promise<ClientView & { clientSecret: string }> {
    const client = await this.getClient(clientId);
    if (client.revoked) throw new ServiceError('conflict', `API client ${clientId} is revoked`);
    const clientSecret = newClientSecret();
    await this.db.query('update api_clients set secret_hash = $1, secret_version = secret_version + 1 where client_id = $2', [
      await hashSecret(clientSecret),
      clientId,
    ]);
    return { ...(await this.getClient(clientId)), clientSecret };
  }

  /** The org's row, or a not_found failure. */
  async requireOrg(orgId: string): Promise<{ imsOrg: string; tenantId: string; name: string }> {
    const row = (await this.db.query<{ id: string; tenant_id: string; name: string }>('select * from orgs where id = $1', [orgId]))[0];
    if (!row) throw new ServiceError('not_found', `org ${orgId} does not exist`);
    return { imsOrg: row.id, tenantId: row.tenant_id, name: row.name };
  }

  /** First start: one org, its `prod` sandbox and one client. */
  async bootstrap(): Promise<Credentials> {
    const org = await this.createOrg({ name: 'Tributary' });
    const client = await this.createClient(org.orgId, 'default');
    return { imsOrg: org.orgId, tenantId: org.tenantId, sandboxName: DEFAULT_SANDBOX, ...client };
  }

  /** The IMS client-credentials grant. */
  async issueToken(clientId: string, clientSecret: string): Promise<{ accessToken: string; expiresIn: number }> {
    const rows = await this.db.query<ClientRow>('select * from api_clients where client_id = $1', [clientId]);
    const client = rows[0];
    // One message for an unknown client and a wrong secret: the answer must not tell which client ids exist.
    if (!client || client.revoked_at || !(await verifySecret(clientSecret, client.secret_hash))) {
      throw new ServiceError('unauthenticated', 'invalid client credentials', 'invalid_client');
    }
    const { token, expiresIn } = await this.tokens.issue({ clientId, orgId: client.org_id, secretVersion: client.secret_version });
    return { accessToken: token, expiresIn };
  }

  /** The scope of background work (a scheduled run) that acts for an org and sandbox without a caller. */
  async systemScope(orgId: string, sandboxId: string): Promise<Scope> {
    const rows = await this.db.query<{ tenant_id: string; name: string }>(
      'select o.tenant_id, s.name from sandboxes s join orgs o on o.id = s.org_id where s.org_id = $1 and s.id = $2',
      [orgId, sandboxId],
    );
    if (!rows[0]) throw new ServiceError('not_found', `sandbox ${sandboxId} of org ${orgId} does not exist`);
    return { orgId, sandboxId, tenantId: rows[0].tenant_id, sandboxName: rows[0].name, clientId: 'tributary-scheduler' };
  }

  /**
   * A call that carries only the bearer token (Iceberg REST clients: Spark, Trino, PyIceberg send no API key or
   * org header): the token's own client and org stand for the missing headers, so it acts in its org alone. Headers
   * that are sent are checked as for any call, so a token sent with another org's header is refused.
   */
  async authorizeBearer(request: RequestIdentity): Promise<Scope> {
    if (!request.bearer) throw new ServiceError('unauthenticated', 'Oauth token is missing', '401013');
    const check = await this.tokens.check(request.bearer);
    if (!check.ok)
      throw new ServiceError('unauthenticated', check.reason === 'expired' ? 'Oauth token has expired' : 'Oauth token is not valid', '401013');
    return this.authorize({
      bearer: request.bearer,
      apiKey: request.apiKey ?? check.claims.clientId,
      orgHeader: request.orgHeader ?? check.claims.orgId,
      sandboxHeader: request.sandboxHeader,
    });
  }

  /**
   * Checks the gateway headers of a call and returns the org and sandbox it acts in.
   * The codes follow Adobe's API gateway: 401013 for a bad token, 403003 for a bad API key.
   */
  async authorize(request: RequestIdentity, options: { anySandboxState?: boolean } = {}): Promise<Scope> {
    if (!request.bearer) throw new ServiceError('unauthenticated', 'Oauth token is missing', '401013');
    const check = await this.tokens.check(request.bearer);
    if (!check.ok)
      throw new ServiceError('unauthenticated', check.reason === 'expired' ? 'Oauth token has expired' : 'Oauth token is not valid', '401013');
    const { claims } = check;
    const sandboxName = (request.sandboxHeader || DEFAULT_SANDBOX).toLowerCase();
    // The client and the sandbox it names in one read (every API call makes it): (org_id, name) is unique.
    const rows = await this.db.query<ClientRow & { tenant_id: string; sandbox_row_id: string | null; sandbox_row_state: string | null }>(
      `select c.*, o.tenant_id, s.id as sandbox_row_id, s.state as sandbox_row_state
       from api_clients c join orgs o on o.id = c.org_id
       left join sandboxes s on s.org_id = c.org_id and s.name = $2 and s.state <> 'deleted'
       where c.client_id = $1`,
      [claims.clientId, sandboxName],
    );
    const client = rows[0];
    if (!client || client.revoked_at || client.secret_version !== claims.secretVersion || client.org_id !== claims.orgId) {
      throw new ServiceError('unauthenticated', 'Oauth token is not valid', '401013');
    }
    if (!request.apiKey) throw new ServiceError('forbidden', 'Api Key is required', '403000');
    if (request.apiKey !== client.client_id) throw new ServiceError('forbidden', 'Api Key is invalid', '403003');
    if (!request.orgHeader) throw new ServiceError('forbidden', 'x-gw-ims-org-id header is required', '403025');
    if (request.orgHeader !== client.org_id) throw new ServiceError('forbidden', 'Profile is not valid for the x-gw-ims-org-id', '403025');
    const sandbox =
      client.sandbox_row_id !== null && client.sandbox_row_state !== null ? { id: client.sandbox_row_id, state: client.sandbox_row_state } : null;
    if (!sandbox) throw new ServiceError('forbidden', `Sandbox "${sandboxName}" does not exist in this org or is not accessible`, '403027');
    // A sandbox being reset or deleted is emptied under the caller's feet: its data is off limits until it is active again.
    // Sandbox management itself still answers, so a client can follow the state.
    if (!options.anySandboxState && !USABLE_STATES.includes(sandbox.state)) {
      throw new ServiceError('forbidden', `Sandbox "${sandboxName}" is ${sandbox.state} and not accessible until it is active`, '403027');
    }
    return { orgId: client.org_id, tenantId: client.tenant_id, sandboxId: sandbox.id, sandboxName, clientId: client.client_id };
  }
}
