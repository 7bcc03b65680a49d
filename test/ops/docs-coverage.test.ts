/**
 * Every operation of `/docs/json` documents its shapes (issue 16): a request body for each write operation that
 * takes one (or `x-request-body: none` where it takes none) and a response schema for each 2xx it answers.
 * Routes added later are covered by the same check, since it reads the document the app generates.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';

type Operation = {
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: unknown }> }>;
  'x-request-body'?: string;
};

describe('API documentation coverage', () => {
  let t: TestPlatform;
  let operations: Array<{ name: string; operation: Operation }>;
  beforeAll(async () => {
    t = await startTestPlatform();
    const document = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json() as { paths: Record<string, Record<string, Operation>> };
    operations = Object.entries(document.paths)
      .filter(([path]) => !path.startsWith('/docs'))
      .flatMap(([path, methods]) =>
        Object.entries(methods)
          .filter(([method]) => method !== 'parameters')
          .map(([method, operation]) => ({ name: `${method.toUpperCase()} ${path}`, operation })),
      );
  });
  afterAll(async () => t?.close());

  it('documents a request body for every write operation that takes one', () => {
    const writes = operations.filter((o) => /^(POST|PUT|PATCH) /.test(o.name));
    expect(writes.length).toBeGreaterThan(30);
    const undocumented = writes
      .filter(({ operation }) => operation['x-request-body'] !== 'none')
      .filter(({ operation }) => !Object.values(operation.requestBody?.content ?? {}).some((c) => c.schema !== undefined))
      .map((o) => o.name);
    expect(undocumented).toEqual([]);
  });

  it('documents a response schema for every 2xx of every operation', () => {
    expect(operations.length).toBeGreaterThan(80);
    const undocumented = operations
      .filter(({ operation }) => {
        const success = Object.entries(operation.responses ?? {}).filter(([status]) => /^2/.test(status));
        // @fastify/swagger's stand-in for a route without a response schema: "200: Default Response", no content.
        const documented = success.filter(
          ([, r]) => r.content !== undefined || (r.description !== undefined && r.description !== 'Default Response'),
        );
        return documented.length === 0 || documented.length < success.length;
      })
      .map((o) => o.name);
    expect(undocumented).toEqual([]);
  });

  it('documents the error shape of the tenant APIs', () => {
    const tenant = operations.filter((o) => / \/data\//.test(o.name));
    const without = tenant
      .filter(({ operation }) => !operation.responses?.['404']?.content && !operation.responses?.['400']?.content)
      .map((o) => o.name);
    expect(without).toEqual([]);
  });
});
