import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Shared access signatures as Event Hubs checks them: `SharedAccessSignature sr=<url-encoded resource>&sig=<url-encoded
 * base64 HMAC-SHA256 of "<url-encoded resource>\n<expiry>">&se=<expiry, epoch s>&skn=<policy name>`, signed with the
 * policy's key (its text, as the portal shows it). A policy of the namespace covers every hub; a policy of one hub
 * covers that hub only.
 */
export interface SasPolicy {
  name: string;
  key: string;
  /** Set for a policy of one hub. */
  hub?: string;
}

export interface GrantedClaim {
  /** The resource the token is for, decoded, without a trailing "/". */
  resource: string;
  expiresAt: number;
}

/** The claim a token grants, or the reason it grants nothing. */
export function verifySasToken(token: unknown, policies: readonly SasPolicy[], now = Date.now()): GrantedClaim | { refused: string } {
  if (typeof token !== 'string' || !token.startsWith('SharedAccessSignature ')) return { refused: 'not a shared access signature' };
  const fields = new Map<string, string>();
  for (const part of token.slice('SharedAccessSignature '.length).split('&')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq), part.slice(eq + 1));
  }
  const sr = fields.get('sr');
  const sig = fields.get('sig');
  const se = fields.get('se');
  const skn = fields.get('skn');
  if (!sr || !sig || !se || !skn) return { refused: 'the signature lacks sr, sig, se or skn' };
  const policy = policies.find((p) => p.name === decodeURIComponent(skn));
  if (!policy) return { refused: `no policy named ${decodeURIComponent(skn)}` };
  const expected = createHmac('sha256', policy.key).update(`${sr}\n${se}`).digest();
  const given = Buffer.from(decodeURIComponent(sig), 'base64');
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    return { refused: 'InvalidSignature: the token has an invalid signature' };
  const expiresAt = Number(se) * 1000;
  if (!Number.isFinite(expiresAt) || expiresAt <= now) return { refused: 'ExpiredToken: the token has expired' };
  const resource = decodeURIComponent(sr).replace(/\/+$/, '');
  if (policy.hub !== undefined && !entityPath(resource).toLowerCase().startsWith(policy.hub.toLowerCase())) {
    return { refused: `the policy ${policy.name} is scoped to the hub ${policy.hub}` };
  }
  return { resource, expiresAt };
}

/** Whether a granted claim covers an entity (its path below the namespace, e.g. "hub/ConsumerGroups/$Default/Partitions/0"). */
export function claimCovers(claim: GrantedClaim, entity: string, now = Date.now()): boolean {
  if (claim.expiresAt <= now) return false;
  const granted = entityPath(claim.resource).toLowerCase();
  const wanted = entity.toLowerCase().replace(/^\/+|\/+$/g, '');
  return granted === '' || wanted === granted || wanted.startsWith(`${granted}/`);
}

/** The entity path of a resource URI ("sb://ns.servicebus.windows.net/hub/..." → "hub/..."); a bare path stays itself. */
export function entityPath(resource: string): string {
  const match = /^[a-z]+:\/\/[^/]+\/?(.*)$/i.exec(resource);
  return (match ? (match[1] ?? '') : resource).replace(/^\/+|\/+$/g, '');
}
