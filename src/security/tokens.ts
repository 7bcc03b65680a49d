import { SignJWT, jwtVerify, errors } from 'jose';
import { createHmac } from 'node:crypto';

/** What an access token says about its bearer. */
export interface TokenClaims {
  clientId: string;
  orgId: string;
  /** The client's secret version when the token was issued: rotation makes older tokens invalid. */
  secretVersion: number;
  expiresAt: number;
}

export type TokenCheck = { ok: true; claims: TokenClaims } | { ok: false; reason: 'expired' | 'invalid' };

/** Signs and checks IMS-style bearer tokens (HS256 JWTs under a key derived from the master key). */
export class TokenIssuer {
  private readonly key: Uint8Array;

  constructor(
    masterKey: Buffer,
    private readonly ttlSeconds: number,
  ) {
    // A derived key: the signing key never equals the key that encrypts secrets.
    this.key = createHmac('sha256', masterKey).update('tributary/access-token/v1').digest();
  }

  async issue(subject: { clientId: string; orgId: string; secretVersion: number }): Promise<{ token: string; expiresIn: number }> {
    const token = await new SignJWT({ org: subject.orgId, sv: subject.secretVersion, type: 'access_token' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(subject.clientId)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.key);
    return { token, expiresIn: this.ttlSeconds };
  }

  async check(token: string): Promise<TokenCheck> {
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'] });
      if (typeof payload.sub !== 'string' || typeof payload.org !== 'string' || typeof payload.sv !== 'number' || !payload.exp) {
        return { ok: false, reason: 'invalid' };
      }
      return { ok: true, claims: { clientId: payload.sub, orgId: payload.org, secretVersion: payload.sv, expiresAt: payload.exp * 1000 } };
    } catch (error) {
      return { ok: false, reason: error instanceof errors.JWTExpired ? 'expired' : 'invalid' };
    }
  }
}
