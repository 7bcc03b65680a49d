import { issueToken, saveSession, type Session } from './session.js';

/** An API answer that was not 2xx, with the message the service put in its own error shape. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
  }
}

export interface RequestOptions {
  body?: unknown;
  accept?: string;
  headers?: Record<string, string>;
  /** Read the answer as text / bytes instead of JSON. */
  as?: 'json' | 'text' | 'bytes';
}

/** Each service shapes errors its own way (title/detail, message, error_description…): take the most helpful. */
function errorMessage(status: number, body: unknown): string {
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    const report = b.report as { detailed?: string } | undefined;
    for (const value of [b.detail, b.message, report?.detailed, b.title, b.error_description, b.error]) {
      if (typeof value === 'string' && value) return value;
    }
  }
  if (typeof body === 'string' && body.trim()) return body.trim().slice(0, 300);
  return `request failed (${status})`;
}

/**
 * Calls the public API with the gateway headers every call needs. A token about to expire is
 * renewed first; a 401 renews it once and retries (the secret may have rotated meanwhile).
 */
export class Api {
  constructor(
    private session: Session,
    private readonly onSession: (session: Session) => void,
  ) {}

  get sandboxName(): string {
    return this.session.sandboxName;
  }

  get tenantId(): string | undefined {
    return this.session.tenantId;
  }

  private async renew(): Promise<void> {
    this.session = await issueToken(this.session);
    saveSession(this.session);
    this.onSession(this.session);
  }

  async request<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    if (Date.now() > this.session.expiresAt) await this.renew();
    let response = await this.send(method, path, options);
    if (response.status === 401) {
      await this.renew();
      response = await this.send(method, path, options);
    }
    if (!response.ok) {
      const text = await response.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      throw new ApiError(response.status, errorMessage(response.status, body), body);
    }
    if (options.as === 'text') return (await response.text()) as T;
    if (options.as === 'bytes') return (await response.arrayBuffer()) as T;
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  private send(method: string, path: string, options: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.session.accessToken}`,
      'x-api-key': this.session.clientId,
      'x-gw-ims-org-id': this.session.imsOrg,
      'x-sandbox-name': this.session.sandboxName,
      Accept: options.accept ?? 'application/json',
      ...options.headers,
    };
    if (options.body !== undefined) headers['Content-Type'] ??= 'application/json';
    return fetch(path, {
      method,
      headers,
      ...(options.body !== undefined ? { body: typeof options.body === 'string' ? options.body : JSON.stringify(options.body) } : {}),
    });
  }

  get<T = unknown>(path: string, options?: RequestOptions): Promise<T> {
    return this.request<T>('GET', path, options);
  }

  post<T = unknown>(path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('POST', path, { ...options, body });
  }

  patch<T = unknown>(path: string, body: unknown, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('PATCH', path, { ...options, body });
  }

  delete<T = unknown>(path: string, options: RequestOptions = {}): Promise<T> {
    return this.request<T>('DELETE', path, options);
  }
}

/** True when the server has no such route yet (another part of the platform is still being built). */
export function isMissing(error: unknown): boolean {
  return error instanceof ApiError && (error.status === 404 || error.status === 405 || error.status === 501);
}
