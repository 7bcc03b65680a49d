/** The API credentials a user signs in with, and the token they buy. Kept for the browser tab only. */
export interface Credentials {
  clientId: string;
  clientSecret: string;
  imsOrg: string;
  sandboxName: string;
  tenantId?: string;
}

export interface Session extends Credentials {
  accessToken: string;
  /** Epoch ms after which the token is renewed before use. */
  expiresAt: number;
}

const KEY = 'tributary.session';

export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session | null): void {
  if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
  else sessionStorage.removeItem(KEY);
}

/** Reads the `credentials.json` that `npm start` writes (or any object with the same keys). */
export function parseCredentialsJson(text: string): { [K in keyof Credentials]?: Credentials[K] | undefined } {
  const doc = JSON.parse(text) as Record<string, unknown>;
  const pick = (...names: string[]) => {
    for (const name of names) if (typeof doc[name] === 'string') return doc[name] as string;
    return undefined;
  };
  return {
    clientId: pick('clientId', 'client_id', 'apiKey', 'API_KEY'),
    clientSecret: pick('clientSecret', 'client_secret', 'CLIENT_SECRET'),
    imsOrg: pick('imsOrg', 'orgId', 'ims_org', 'IMS_ORG'),
    sandboxName: pick('sandboxName', 'sandbox', 'SANDBOX_NAME'),
    tenantId: pick('tenantId', 'TENANT_ID'),
  };
}

/** IMS's client-credentials grant, form-encoded as the tutorial's curl sends it. */
export async function issueToken(credentials: Credentials): Promise<Session> {
  const response = await fetch('/ims/token/v3', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
      scope: 'openid,AdobeID',
    }),
  });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok || typeof body.access_token !== 'string') {
    throw new Error(String(body.error_description ?? body.detail ?? body.message ?? body.title ?? `sign-in failed (${response.status})`));
  }
  const expiresIn = Number(body.expires_in ?? 3600);
  // IMS answers expires_in in milliseconds; tolerate seconds too.
  const ms = expiresIn > 10_000_000 ? expiresIn : expiresIn * 1000;
  return { ...credentials, accessToken: body.access_token, expiresAt: Date.now() + ms - 60_000 };
}
