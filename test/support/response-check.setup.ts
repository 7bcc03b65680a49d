/** Fails a test file whose replies did not match their routes' response schemas (see ./response-check.ts). */
import { afterAll } from 'vitest';
import { describeMismatches, responseMismatches } from './response-check.js';

afterAll(() => {
  const found = responseMismatches().splice(0);
  if (found.length > 0) throw new Error(`${found.length} replies do not match their route's response schema:\n${describeMismatches(found)}`);
});
