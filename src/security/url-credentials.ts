/**
 * Credentials written into a URL: a user and password before the host, or a token, signature,
 * password or user name in the query (WebHDFS takes `user.name`, `doas` and `delegation` there).
 * Such a URL is a secret as a whole; its redacted form is what may be shown and stored in clear.
 */
const CREDENTIAL_QUERY_KEY = /^(user\.name|doas|delegation)$|secret|password|passwd|pwd|token|sig|signature|credential|auth|key/i;

export const REDACTED_VALUE = 'REDACTED';

/** The URL with its credentials replaced by `REDACTED`, or null when it carries none (or is not a URL). */
export function redactUrlCredentials(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  let found = false;
  if (url.username || url.password) {
    found = true;
    url.username = REDACTED_VALUE;
    url.password = '';
  }
  for (const key of [...new Set(url.searchParams.keys())]) {
    if (!CREDENTIAL_QUERY_KEY.test(key)) continue;
    found = true;
    url.searchParams.set(key, REDACTED_VALUE);
  }
  return found ? url.href : null;
}
