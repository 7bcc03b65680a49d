import { decodeJwt } from 'jose';
import type { IdentityService } from '../identity/index.js';
import { ServiceError } from '../errors.js';
import type { Scope } from '../scope.js';

/** Logs in with an account's user name and secret; null when the user name names no account. */
export type AccountLogin = (user: string, secret: string, sandboxName: string) => Promise<Scope | null>;

/**
 * The sandbox a PostgreSQL database name selects: Query Service's `dbName` is `{sandbox}:{database}` (`prod:all`);
 * a name without a colon is taken as the sandbox, and no name (or `all`) as the default sandbox.
 */
export function sandboxOfDbName(dbName: string | undefined): string | undefined {
  const name = dbName?.trim();
  if (!name || name.toLowerCase() === 'all') return undefined;
  const sandbox = name.includes(':') ? name.slice(0, name.indexOf(':')) : name;
  return sandbox === '' ? undefined : sandbox;
}

/**
 * Logins of Query Service's PostgreSQL interface, with the credentials `/connection_parameters` gives: the org id
 * as user name and the caller's access token as password, or a technical account's user name and secret
 * (`/accounts`). The database name carries the sandbox.
 */
export class SqlLoginService {
  constructor(
    private readonly identity: IdentityService,
    private readonly accountLogin?: AccountLogin,
  ) {}

  /** The scope the credentials give; a `ServiceError` (unauthenticated or forbidden) when they give none. */
  async login(user: string, password: string, dbName: string | undefined): Promise<Scope> {
    const sandboxName = sandboxOfDbName(dbName);
    const account = await this.accountLogin?.(user, password, sandboxName ?? 'prod');
    if (account) return account;
    // The protocol carries no API key: the client named in the token stands for it (the token is still checked
    // whole by `authorize`, signature, expiry and the client's secret version included).
    let clientId: unknown;
    try {
      clientId = decodeJwt(password).sub;
    } catch {
      throw new ServiceError('unauthenticated', 'the password is neither an access token nor an account secret');
    }
    return this.identity.authorize({
      bearer: password,
      apiKey: typeof clientId === 'string' ? clientId : undefined,
      orgHeader: user,
      sandboxHeader: sandboxName,
    });
  }
}
