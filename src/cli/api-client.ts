import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { CliError, EXIT } from './exit-codes.js';

export interface TenantCredentials {
  imsOrg: string;
  tenantId: string;
  sandboxName: string;
  clientId: string;
  clientSecret: string;
}

export interface ApiResponse {
  status: number;
  body: unknown;
  headers: Headers;
}

type Body = unknown;

/** One line out of an error body of any of the services' shapes. */
function describe(status: number, body: unknown): string {
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    const message = b.detail ?? b.message ?? b.error_description ?? b.title ?? b.error;
    if (typeof message === 'string') return `${status}: ${message}`;
  }
  return `${status}: ${typeof body === 'string' && body ? body : 'request failed'}`;
}

async function send(url: string, init: RequestInit & { duplex?: 'half' }): Promise<ApiResponse> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new CliError(
      `cannot reach ${new URL(url).origin}: ${cause?.code ?? cause?.message ?? (error as Error).message} (is the server running? see --url)`,
      EXIT.unreachable,
    );
  }
  const text = await response.text();
  let body: unknown = text;
  if (text && (response.headers.get('content-type') ?? '').includes('json')) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  if (!text) body = undefined;
  if (response.status >= 400)
    throw new CliError(describe(response.status, body), response.status === 401 || response.status === 403 ? EXIT.failed : EXIT.failed, body);
  return { status: response.status, body, headers: response.headers };
}

/** The tenant API of a running server, with the credentials `serve` wrote (or another credentials file). */
export class TenantClient {
  private token: string | null = null;

  private constructor(
    private readonly base: string,
    readonly credentials: TenantCredentials,
    readonly sandbox: string,
  ) {}

  static fromHome(options: { url: string; home: string; credentials?: string; sandbox?: string }): TenantClient {
    const file = options.credentials ?? join(options.home, 'credentials.json');
    if (!existsSync(file))
      throw new CliError(`no credentials at ${file}: start the server once (tributary serve) or pass --home/--credentials`, EXIT.unreachable);
    const credentials = JSON.parse(readFileSync(file, 'utf8')) as TenantCredentials;
    return new TenantClient(options.url.replace(/\/$/, ''), credentials, options.sandbox ?? credentials.sandboxName);
  }

  private async headers(): Promise<Record<string, string>> {
    if (!this.token) {
      const response = await send(`${this.base}/ims/token/v3`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: this.credentials.clientId,
          client_secret: this.credentials.clientSecret,
          scope: 'openid,AdobeID',
        }),
      });
      this.token = (response.body as { access_token: string }).access_token;
    }
    return {
      authorization: `Bearer ${this.token}`,
      'x-api-key': this.credentials.clientId,
      'x-gw-ims-org-id': this.credentials.imsOrg,
      'x-sandbox-name': this.sandbox,
    };
  }

  async request(method: string, path: string, body?: Body, extra: Record<string, string> = {}): Promise<ApiResponse> {
    const json = body !== undefined;
    return send(`${this.base}${path}`, {
      method,
      headers: { ...(await this.headers()), ...(json ? { 'content-type': 'application/json' } : {}), ...extra },
      ...(json ? { body: JSON.stringify(body) } : {}),
    });
  }

  /** Streams bytes (a file upload). */
  async upload(method: string, path: string, stream: Readable, size: number): Promise<ApiResponse> {
    return send(`${this.base}${path}`, {
      method,
      headers: { ...(await this.headers()), 'content-type': 'application/octet-stream', 'content-length': String(size) },
      body: stream as unknown as BodyInit,
      duplex: 'half',
    });
  }
}

/** The operator API (`/tributary/admin`), with the admin token. */
export class AdminClient {
  private constructor(
    private readonly base: string,
    private readonly token: string,
  ) {}

  static create(options: { url: string; home: string; adminToken?: string | null }): AdminClient {
    let token = options.adminToken ?? null;
    const file = join(options.home, 'admin.json');
    if (!token && existsSync(file)) token = (JSON.parse(readFileSync(file, 'utf8')) as { adminToken?: string }).adminToken ?? null;
    if (!token)
      throw new CliError(
        `no admin token: pass --admin-token, set TRIBUTARY_ADMIN_TOKEN, or use the --home of the server (${file})`,
        EXIT.unreachable,
      );
    return new AdminClient(options.url.replace(/\/$/, ''), token);
  }

  async request(method: string, path: string, body?: Body): Promise<ApiResponse> {
    const json = body !== undefined;
    return send(`${this.base}/tributary/admin${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(json ? { 'content-type': 'application/json' } : {}) },
      ...(json ? { body: JSON.stringify(body) } : {}),
    });
  }
}
