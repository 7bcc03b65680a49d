/**
 * Query Service's objects — queries, query templates, scheduled queries and their runs —
 * read back and validated against Adobe's own Query Service spec (test/query/spec, an unchanged copy).
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenApiSpec } from '../support/openapi-spec.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { waitFor } from '../support/wait-for.js';
import { QUERY } from '../ingest/support.js';

const querySpec = new OpenApiSpec(fileURLToPath(new URL('./spec/query-service.yaml', import.meta.url)), QUERY, [
  {
    path: ['components', 'schemas', 'task_detail', 'properties', 'duration'],
    replace: { type: 'integer', description: 'seconds' },
    why: "typed string; the spec's own example and the guide's run details answer a number of seconds (9)",
  },
  {
    path: ['components', 'schemas', 'query_template_delete', 'properties', 'statusCode'],
    replace: { type: 'integer' },
    why: "typed string; the spec's own example and the guide answer the number 202",
  },
]);

describe("Query Service's objects conform to Adobe's spec", () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform({ database: 'pglite' });
    await t.platform.startBackground({ scheduler: false });
  });
  afterAll(async () => t?.close());

  const call = async (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown) => {
    const res = await querySpec.call(t, method, `${QUERY}${url}`, body);
    expect(res.statusCode, res.body.slice(0, 500)).toBeLessThan(300);
    return res.json();
  };

  it('queries, templates, schedules and their runs', async () => {
    const query = await call('POST', '/queries', { dbName: 'prod:all', sql: 'SELECT 1 AS one', name: 'spec check' });
    await waitFor(async () => (await call('GET', `/queries/${query.id}`)).state === 'SUCCESS', { what: 'the query to succeed' });
    await call('GET', '/queries');

    const template = await call('POST', '/query-templates', { name: 'spec template', sql: 'SELECT $n AS n', queryParameters: { $n: 1 } });
    await call('GET', `/query-templates/${template.id}`);
    await call('GET', '/query-templates');
    await call('GET', '/query-templates/count');
    await call('PUT', `/query-templates/${template.id}`, { name: 'spec template', sql: 'SELECT $n + 1 AS n' });

    const schedule = await call('POST', '/schedules', {
      query: { dbName: 'prod:all', name: 'spec schedule', sql: 'SELECT 2 AS two' },
      schedule: { schedule: '0 0 1 1 *', startDate: new Date(Date.now() - 3_600_000).toISOString() },
    });
    await call('GET', `/schedules/${schedule.id}`);
    await call('GET', '/schedules');
    const triggered = await call('POST', `/schedules/${schedule.id}/runs`);
    await call('GET', `/schedules/${schedule.id}/runs`);
    await waitFor(async () => (await call('GET', `/schedules/${schedule.id}/runs/${triggered.runId}`)).state === 'SUCCESS', {
      what: 'the triggered run to succeed',
    });
    await call('PATCH', `/schedules/${schedule.id}`, { body: [{ op: 'replace', path: '/state', value: 'disable' }] });
    await call('DELETE', `/schedules/${schedule.id}`);
    await call('DELETE', `/query-templates/${template.id}`);

    // The spec models these answers, so each was really checked (an unmodelled one would pass silently).
    expect([...querySpec.validated].sort()).toEqual(
      expect.arrayContaining([
        'GET /queries 200',
        'GET /queries/{queryid} 200',
        'GET /query-templates 200',
        'GET /query-templates/{queryTemplateId} 200',
        'GET /schedules 200',
        'GET /schedules/{schedulesId} 200',
        'GET /schedules/{schedulesId}/runs 200',
        'GET /schedules/{schedulesId}/runs/{runId} 200',
      ]),
    );
  });
});
