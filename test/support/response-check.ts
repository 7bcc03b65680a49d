/**
 * The mismatches the response check (src/http/response-check.ts) found in this test file's process: every platform
 * of startTestPlatform reports here, and the setup file fails the file after its tests when any was found, so a
 * reply that does not match its route's schema fails the suite even when its test looked only at the status.
 */
import type { ResponseMismatch } from '../../src/http/response-check.js';

const KEY = Symbol.for('tributary.responseMismatches');
const store = globalThis as unknown as { [KEY]?: ResponseMismatch[] };

export function responseMismatches(): ResponseMismatch[] {
  store[KEY] ??= [];
  return store[KEY];
}

export function recordResponseMismatch(mismatch: ResponseMismatch): void {
  responseMismatches().push(mismatch);
}

export function describeMismatches(mismatches: ResponseMismatch[]): string {
  return mismatches.map((m) => `${m.route} (${m.url}) → ${m.status}:\n  ${m.problems.join('\n  ')}`).join('\n');
}
