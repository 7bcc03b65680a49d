/**
 * What must never reach a log line: tokens, secrets, passwords and keys, whether they appear as a field
 * (at any depth), in a URL's query string, or inside a message.
 */
const SENSITIVE_KEY = /(secret|password|passwd|token|authorization|api[-_]?key|credential|private[-_]?key|access[-_]?key|sas|signature|cookie)/i;

/** Values that look like credentials wherever they appear: JWTs, Tributary client secrets and admin tokens, Bearer values. */
const SENSITIVE_VALUE = [/eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]{4,}/g, /\bp8e-[\w-]{8,}/g, /\btra-[\w-]{8,}/g, /(bearer\s+)[^\s"',]+/gi];

export const REDACTED = '[REDACTED]';

export function scrubText(text: string): string {
  let out = text;
  for (const pattern of SENSITIVE_VALUE)
    out = out.replace(pattern, (match, prefix: unknown) =>
      typeof prefix === 'string' && /^bearer/i.test(prefix) ? `${prefix}${REDACTED}` : REDACTED,
    );
  return out;
}

/** A URL with the values of sensitive query parameters replaced. */
export function scrubUrl(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return scrubText(url);
  const query = url
    .slice(q + 1)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const key = eq < 0 ? pair : pair.slice(0, eq);
      return eq >= 0 && SENSITIVE_KEY.test(decodeURIComponentSafe(key)) ? `${key}=${REDACTED}` : pair;
    })
    .join('&');
  return scrubText(`${url.slice(0, q)}?${query}`);
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** A deep copy of a log object with sensitive fields and values removed. */
export function scrubObject(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (Array.isArray(value)) return value.map((v) => scrubObject(v, depth + 1));
  // Class instances (a request, a reply, an error) are left to their serializers, which see getters a copy would lose.
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (SENSITIVE_KEY.test(key) && v !== null && typeof v !== 'object') out[key] = REDACTED;
    else if (key === 'url' && typeof v === 'string') out[key] = scrubUrl(v);
    else out[key] = scrubObject(v, depth + 1);
  }
  return out;
}
