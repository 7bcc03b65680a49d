import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * Shared Key authorization as the Azure Storage services check it ("Authorize with Shared Key",
 * version 2015-02-21 and later): the client signs a canonical form of the request with the
 * account key, and the service rebuilds the same string and compares.
 *
 *   StringToSign = VERB \n Content-Encoding \n Content-Language \n Content-Length (empty when 0) \n
 *                  Content-MD5 \n Content-Type \n Date \n If-Modified-Since \n If-Match \n
 *                  If-None-Match \n If-Unmodified-Since \n Range \n
 *                  CanonicalizedHeaders CanonicalizedResource
 *
 * CanonicalizedHeaders: every x-ms-* header, lower-cased, sorted by name, "name:value\n" with the
 * value's runs of white space folded to one space. CanonicalizedResource: "/" + account + the
 * request's encoded path, then for each query parameter (lower-cased name, sorted)
 * "\nname:value" with the decoded values sorted and joined by commas.
 */
export function stringToSign(request: IncomingMessage, account: string): string {
  const header = (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value.join(',') : (value ?? '');
  };
  const contentLength = header('content-length');
  const standard = [
    request.method ?? 'GET',
    header('content-encoding'),
    header('content-language'),
    contentLength === '0' ? '' : contentLength,
    header('content-md5'),
    header('content-type'),
    header('date'),
    header('if-modified-since'),
    header('if-match'),
    header('if-none-match'),
    header('if-unmodified-since'),
    header('range'),
  ];
  const msHeaders = Object.keys(request.headers)
    .filter((name) => name.startsWith('x-ms-'))
    .sort()
    .map((name) => `${name}:${header(name).replace(/\s+/g, ' ').trim()}\n`)
    .join('');
  return `${standard.join('\n')}\n${msHeaders}${canonicalizedResource(request.url ?? '/', account)}`;
}

function canonicalizedResource(rawUrl: string, account: string): string {
  const queryStart = rawUrl.indexOf('?');
  const path = queryStart === -1 ? rawUrl : rawUrl.slice(0, queryStart);
  const params = new Map<string, string[]>();
  for (const [name, value] of new URLSearchParams(queryStart === -1 ? '' : rawUrl.slice(queryStart + 1))) {
    const key = name.toLowerCase();
    if (!params.has(key)) params.set(key, []);
    params.get(key)!.push(value);
  }
  let resource = `/${account}${path}`;
  for (const name of [...params.keys()].sort()) resource += `\n${name}:${params.get(name)!.sort().join(',')}`;
  return resource;
}

export function sign(key: Buffer, text: string): string {
  return createHmac('sha256', key).update(text, 'utf8').digest('base64');
}

export type AuthOutcome = { ok: true } | { ok: false; status: number; code: string; message: string; detail?: string };

const MAX_CLOCK_SKEW_MS = 15 * 60_000;

/** Checks a request's `Authorization: SharedKey account:signature` against the account's key. */
export function checkSharedKey(request: IncomingMessage, account: string, key: Buffer, now = Date.now()): AuthOutcome {
  const authorization = request.headers.authorization;
  if (!authorization) {
    return {
      ok: false,
      status: 401,
      code: 'NoAuthenticationInformation',
      message: 'Server failed to authenticate the request. Please refer to the information in the www-authenticate header.',
    };
  }
  const failed = (detail: string): AuthOutcome => ({
    ok: false,
    status: 403,
    code: 'AuthenticationFailed',
    message: 'Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.',
    detail,
  });
  const match = /^SharedKey ([^:\s]+):(\S+)$/.exec(authorization);
  if (!match) return failed('The authorization header is not in a supported format (SharedKey account:signature).');
  if (match[1] !== account)
    return failed(`The account in the authorization header, ${match[1]}, does not match the account of the request, ${account}.`);
  const dateText = request.headers['x-ms-date'] ?? request.headers.date;
  const date = typeof dateText === 'string' ? Date.parse(dateText) : NaN;
  if (Number.isNaN(date)) return failed('The x-ms-date or Date header is missing or invalid.');
  if (Math.abs(now - date) > MAX_CLOCK_SKEW_MS) return failed(`Request date header too old or too far in the future: '${dateText}'.`);
  const text = stringToSign(request, account);
  const expected = Buffer.from(sign(key, text));
  // Both groups of the pattern always participate.
  const given = Buffer.from(match[2]!);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return failed(
      `The MAC signature found in the HTTP request '${match[2]}' is not the same as any computed signature. Server used following string to sign: '${text}'.`,
    );
  }
  return { ok: true };
}
