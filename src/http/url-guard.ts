import type { FastifyInstance } from 'fastify';
import { invalid } from '../services/errors.js';

/** PostgreSQL's text cannot hold U+0000, so a value carrying one would fail in the database as a 500. */
function hasNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(hasNul);
  if (value && typeof value === 'object') return Object.values(value).some(hasNul);
  return false;
}

/**
 * Refuses a path parameter or query value that decodes to a NUL character (`/dataSets/x%00`) as a bad request.
 * A `preValidation` hook of the plugins whose routes reach the database (../auth.ts), so it runs after authentication.
 */
export function registerUrlGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    if (hasNul(request.params) || hasNul(request.query)) throw invalid('The URL contains a NUL character (%00)');
  });
}
