import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The operator's credential for `/tributary/admin/…` (orgs and API clients). It is not an API client:
 * no tenant token ever passes this check, and this token opens no `/data/…` route.
 */
export class AdminCredential {
  private readonly digest: Buffer;

  constructor(token: string) {
    this.digest = createHash('sha256').update(token).digest();
  }

  /** Constant-time comparison (of digests, so lengths never leak either). */
  verify(presented: string | undefined): boolean {
    if (!presented) return false;
    return timingSafeEqual(this.digest, createHash('sha256').update(presented).digest());
  }
}

/** Where the generated admin token is kept, readable only by its owner. */
export const adminFile = (home: string) => join(home, 'admin.json');

/**
 * The admin token: the configured one (`TRIBUTARY_ADMIN_TOKEN`), else the one kept in `admin.json`
 * under the home, generated on first use.
 */
export function loadAdminToken(home: string, configured: string | null): string {
  if (configured) return configured;
  const file = adminFile(home);
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, 'utf8')) as { adminToken?: unknown };
    if (typeof stored.adminToken === 'string' && stored.adminToken) return stored.adminToken;
  }
  const adminToken = `tra-${randomBytes(32).toString('base64url')}`;
  writeFileSync(file, `${JSON.stringify({ adminToken }, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return adminToken;
}
