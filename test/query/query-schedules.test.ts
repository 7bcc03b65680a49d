import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { waitFor } from '../support/wait-for.js';
import { QUERY, makeDataset, sql } from '../ingest/support.js';

type Run = {
  id: string;
  state: string;
  created: string;
  queryId?: string;
  externalTrigger: boolean;
  errors: Array<{ code: string; message: string }>;
};

/**
 * Query templates and scheduled queries through the HTTP API, on both databases: a schedule's due slot is claimed
 * by one transaction (`for update skip locked`) and its run goes through the job queue, so both must hold it.
 */
describe.each(['pglite', 'postgres'] as const)('Query Service templates and schedules (%s)', (database) => {
  let t: TestPlatform;
  let otherOrg: Record<string, string>;
  const inAMinute = () => Date.now() + 61_000;

  beforeAll(async () => {
    t = await startTestPlatform({ database });
    await t.platform.startBackground({ scheduler: false });
    await makeDataset(t, 'Sched Target');
    const org = await t.platform.identity.createOrg({ name: 'Other Org' });
    const client = await t.platform.identity.createClient(org.orgId, 'other');
    const token = await t.platform.identity.issueToken(client.clientId, client.clientSecret);
    otherOrg = { authorization: `Bearer ${token.accessToken}`, 'x-api-key': client.clientId, 'x-gw-ims-org-id': org.orgId, 'x-sandbox-name': 'prod' };
  });
  afterAll(async () => t?.close());

  const schedule = async (query: Record<string, unknown>, cadence: Record<string, unknown> = {}) => {
    const created = await t.call('POST', `${QUERY}/schedules`, {
      query: { dbName: 'prod:all', name: 'a schedule', ...query },
      schedule: { schedule: '* * * * *', startDate: new Date(Date.now() - 3_600_000).toISOString(), ...cadence },
    });
    expect(created.statusCode, created.body).toBe(202);
    return created.json() as { id: string; state: string; _links: Record<string, { href: string }> };
  };
  const runs = async (id: string, query = '') => (await t.call('GET', `${QUERY}/schedules/${id}/runs${query}`)).json().runsSchedules as Run[];
  const ended = (scheduleId: string, runId: string) =>
    waitFor(
      async () => {
        const run = (await t.call('GET', `${QUERY}/schedules/${scheduleId}/runs/${runId}`)).json();
        return ['SUCCESS', 'FAILED', 'CANCELLED'].includes(run.state) && run;
      },
      { what: `run ${runId} to end` },
    );

  it('creates, reads, replaces, pages and deletes query templates', async () => {
    const created = [];
    for (const name of ['alpha report', 'beta report', 'gamma']) {
      const response = await t.call('POST', `${QUERY}/query-templates`, { name, sql: 'SELECT $n AS n', queryParameters: { $n: 1 } });
      expect(response.statusCode, response.body).toBe(202);
      created.push(response.json());
    }
    const first = created[0];
    expect(first).toMatchObject({
      name: 'alpha report',
      sql: 'SELECT $n AS n',
      queryParameters: { n: '1' },
      userId: `${t.credentials.clientId}@AdobeID`,
    });
    expect(first._links.update).toMatchObject({ method: 'PUT' });
    expect((await t.call('GET', `${QUERY}/query-templates/${first.id}`)).json()).toEqual(first);

    const page1 = (await t.call('GET', `${QUERY}/query-templates?orderby=%2Bcreated&limit=2`)).json();
    expect(page1.templates.map((x: { name: string }) => x.name)).toEqual(['alpha report', 'beta report']);
    expect(page1._page).toMatchObject({ orderby: '+created', count: 2, next: '2' });
    const page2 = (await t.call('GET', page1._links.next.href)).json();
    expect(page2.templates.map((x: { name: string }) => x.name)).toEqual(['gamma']);
    expect(page2._links).toEqual({});
    const newest = (await t.call('GET', `${QUERY}/query-templates?limit=1`)).json();
    expect(newest.templates[0].name).toBe('gamma');
    const byName = (await t.call('GET', `${QUERY}/query-templates?property=${encodeURIComponent('name~report')}`)).json();
    expect(byName.templates).toHaveLength(2);
    expect((await t.call('GET', `${QUERY}/query-templates/count`)).json()).toEqual({ totalCount: 3, version: 1 });

    const replaced = await t.call('PUT', `${QUERY}/query-templates/${first.id}`, { name: 'alpha v2', sql: 'SELECT 2 AS n' });
    expect(replaced.statusCode).toBe(202);
    expect(replaced.json()).toMatchObject({
      name: 'alpha v2',
      sql: 'SELECT 2 AS n',
      queryParameters: {},
      lastUpdatedBy: `${t.credentials.clientId}@AdobeID`,
    });
    expect((await t.call('PUT', `${QUERY}/query-templates/${first.id}`, { name: 'no sql' })).statusCode).toBe(400);

    // Another org sees none of them.
    expect((await t.call('GET', `${QUERY}/query-templates/${first.id}`, undefined, otherOrg)).statusCode).toBe(404);
    expect((await t.call('GET', `${QUERY}/query-templates`, undefined, otherOrg)).json().templates).toEqual([]);
    expect((await t.call('DELETE', `${QUERY}/query-templates/${first.id}`, undefined, otherOrg)).statusCode).toBe(404);

    expect((await t.call('DELETE', `${QUERY}/query-templates/${created[2].id}`)).json()).toEqual({ message: 'Deleted', statusCode: 202 });
    expect((await t.call('GET', `${QUERY}/query-templates/${created[2].id}`)).statusCode).toBe(404);
  });

  it('makes a query from a template, its parameters overridden by the request', async () => {
    const template = (
      await t.call('POST', `${QUERY}/query-templates`, { name: 'sum', sql: 'SELECT $a + $b AS total', queryParameters: { a: 1, b: 2 } })
    ).json();
    const submitted = await t.call('POST', `${QUERY}/queries`, { templateId: template.id, queryParameters: { b: 40 } });
    expect(submitted.statusCode, submitted.body).toBe(202);
    expect(submitted.json().request).toMatchObject({ sql: 'SELECT 1 + 40 AS total', templateId: template.id });
    await t.platform.query.settled(submitted.json().id);
    expect((await t.call('GET', `${QUERY}/queries/${submitted.json().id}/results`)).json().rows).toEqual([{ total: 41 }]);
    const missing = await t.call('POST', `${QUERY}/queries`, { templateId: '00000000-0000-4000-8000-000000000000' });
    expect(missing.statusCode).toBe(400);
  });

  it('runs a schedule when its slot comes, lists the run with its state, and runs nothing while disabled', async () => {
    const created = await schedule({ sql: 'SELECT 42 AS answer' });
    expect(created).toMatchObject({ state: 'ENABLED', schedule: { schedule: '* * * * *', maxActiveRuns: 1 } });
    // Its next slot is within the minute: a clock one minute on finds it due, and one tick queues it once.
    expect(await t.platform.querySchedules.tick(Date.now() - 61_000)).toBe(0);
    expect(await t.platform.querySchedules.tick(inAMinute())).toBeGreaterThanOrEqual(1);
    const [run] = await waitFor(async () => {
      const list = await runs(created.id);
      return list.length === 1 && list;
    });
    expect(run!.externalTrigger).toBe(false);
    const done = await ended(created.id, run!.id);
    expect(done).toMatchObject({ state: 'SUCCESS', scheduleId: created.id, taskStatusList: [{ state: 'SUCCESS', rowCount: 1 }] });
    expect((await t.call('GET', `${QUERY}/queries/${done.queryId}/results`)).json().rows).toEqual([{ answer: 42 }]);
    expect((await runs(created.id, `?property=${encodeURIComponent('state==SUCCESS')}`)).map((r) => r.id)).toEqual([run!.id]);
    expect(await runs(created.id, `?property=${encodeURIComponent('externalTrigger==true')}`)).toEqual([]);

    const disable = { body: [{ op: 'replace', path: '/state', value: 'disable' }] };
    expect((await t.call('PATCH', `${QUERY}/schedules/${created.id}`, disable)).json()).toEqual({
      message: 'Request to patch accepted',
      statusCode: 202,
    });
    expect((await t.call('PATCH', `${QUERY}/schedules/${created.id}`, disable)).statusCode).toBe(400);
    expect((await t.call('GET', `${QUERY}/schedules/${created.id}`)).json().state).toBe('DISABLED');
    await t.platform.querySchedules.tick(inAMinute() + 120_000);
    expect(await runs(created.id)).toHaveLength(1);
    expect((await t.call('POST', `${QUERY}/schedules/${created.id}/runs`)).statusCode).toBe(400);

    // Enabled again (the links' short form), it runs on its next slot (one after the slot it ran: two minutes at most).
    expect((await t.call('PATCH', `${QUERY}/schedules/${created.id}`, { op: 'enable' })).statusCode).toBe(202);
    expect(await t.platform.querySchedules.tick(Date.now() + 121_000)).toBe(1);
    await waitFor(async () => (await runs(created.id)).length === 2);

    // Deleting takes a disabled schedule.
    expect((await t.call('DELETE', `${QUERY}/schedules/${created.id}`)).statusCode).toBe(400);
    await t.call('PATCH', `${QUERY}/schedules/${created.id}`, disable);
    await waitFor(async () => (await runs(created.id)).every((r) => ['SUCCESS', 'FAILED'].includes(r.state)));
    expect((await t.call('DELETE', `${QUERY}/schedules/${created.id}`)).json()).toEqual({
      message: 'Schedule deleted successfully',
      statusCode: 202,
    });
    expect((await t.call('GET', `${QUERY}/schedules/${created.id}`)).statusCode).toBe(404);
  });

  it("is run by the platform scheduler's own tick when its time comes: @once, exactly once", async () => {
    const startDate = new Date(Date.now() + 1_500).toISOString();
    const created = await schedule({ sql: 'SELECT 7 AS seven' }, { schedule: '@once', startDate });
    expect(await runs(created.id)).toEqual([]);
    await t.platform.scheduler.start();
    try {
      const [run] = await waitFor(async () => {
        const list = await runs(created.id);
        return list.length > 0 && list;
      });
      expect(run!.created).toBe(startDate);
      expect((await ended(created.id, run!.id)).state).toBe('SUCCESS');
    } finally {
      await t.platform.scheduler.stop();
    }
    // Nothing is left to run: later ticks queue nothing more.
    await t.platform.querySchedules.tick(Date.now() + 3_600_000);
    expect(await runs(created.id)).toHaveLength(1);
  });

  it('gives a due slot to one scheduler only, however many tick at once', async () => {
    const created = await schedule({ sql: 'SELECT 1 AS one' });
    const at = Date.now() + 61_000;
    const queued = await Promise.all([1, 2, 3].map(() => t.platform.querySchedules.tick(at)));
    expect(queued.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
    const [run, ...others] = await waitFor(async () => {
      const list = await runs(created.id);
      return list.length > 0 && list;
    });
    expect(others).toEqual([]);
    expect((await ended(created.id, run!.id)).state).toBe('SUCCESS');
    expect(await runs(created.id)).toHaveLength(1);
    await t.call('PATCH', `${QUERY}/schedules/${created.id}`, { op: 'disable' });
  });

  it('triggers a run at once and cancels a running one, stopping its query', async () => {
    const created = await schedule({ sql: 'SELECT count(*) FROM range(1000000000000) a' }, { schedule: '0 0 1 1 *' });
    const triggered = await t.call('POST', `${QUERY}/schedules/${created.id}/runs`);
    expect(triggered.statusCode, triggered.body).toBe(202);
    const { runId } = triggered.json();
    const running = await waitFor(async () => {
      const run = (await t.call('GET', `${QUERY}/schedules/${created.id}/runs/${runId}`)).json();
      return run.state === 'IN_PROGRESS' && run.queryId && run;
    });
    expect(running.externalTrigger).toBe(true);
    const cancel = await t.call('PATCH', `${QUERY}/schedules/${created.id}/runs/${runId}`, { op: 'cancel' });
    expect(cancel.json()).toEqual({ message: 'Request to cancel run of a scheduled query accepted', statusCode: 202 });
    expect((await ended(created.id, runId)).state).toBe('CANCELLED');
    await waitFor(async () => (await t.call('GET', `${QUERY}/queries/${running.queryId}`)).json().state === 'KILLED');
    expect((await t.call('PATCH', `${QUERY}/schedules/${created.id}/runs/${runId}`, { op: 'cancel' })).statusCode).toBe(409);
    expect((await t.call('PATCH', `${QUERY}/schedules/${created.id}/runs/${runId}`, { op: 'stop' })).statusCode).toBe(400);
    expect((await t.call('GET', `${QUERY}/schedules/${created.id}/runs/nope`)).statusCode).toBe(404);
  });

  it('lands a scheduled INSERT INTO as a Catalog batch that SQL reads, and fails a run whose columns the schema lacks', async () => {
    const created = await schedule({ sql: `INSERT INTO sched_target SELECT 'row-' || CAST(range AS VARCHAR) AS _id FROM range(3)` });
    const { runId } = (await t.call('POST', `${QUERY}/schedules/${created.id}/runs`)).json();
    const done = await ended(created.id, runId);
    expect(done.state, JSON.stringify(done.errors)).toBe('SUCCESS');
    const query = (await t.call('GET', `${QUERY}/queries/${done.queryId}`)).json();
    expect(query).toMatchObject({ isInsertInto: true, rowCount: 3 });
    const batch = query._links.batch.href.split('/').pop();
    expect((await t.call('GET', `/data/foundation/catalog/batches/${batch}`)).json()[batch].status).toBe('success');
    expect((await sql(t, 'SELECT _id FROM sched_target ORDER BY _id')).rows).toEqual([{ _id: 'row-0' }, { _id: 'row-1' }, { _id: 'row-2' }]);

    // insertIntoParameters turns a SELECT into the same INSERT; a struct holding some of a field group's fields
    // fills those, the others NULL. The trigger is sent as AEP's clients send it: an empty body, typed JSON.
    const viaParameters = await schedule({
      sql: `SELECT 'row-9' AS _id, {'name': {'firstName': 'Ada'}} AS person`,
      insertIntoParameters: { datasetName: 'sched_target' },
    });
    const second = (await t.call('POST', `${QUERY}/schedules/${viaParameters.id}/runs`, '', { 'content-type': 'application/json' })).json();
    const viaDone = await ended(viaParameters.id, second.runId);
    expect(viaDone.state, JSON.stringify(viaDone.errors)).toBe('SUCCESS');
    expect((await sql(t, 'SELECT count(*) AS n FROM sched_target')).rows).toEqual([{ n: '4' }]);
    expect((await sql(t, `SELECT person.name.firstName AS first, person.name.lastName AS last FROM sched_target WHERE _id = 'row-9'`)).rows).toEqual([
      { first: 'Ada', last: null },
    ]);

    const unfit = await schedule({ sql: `INSERT INTO sched_target SELECT 1 AS not_a_field` });
    const third = (await t.call('POST', `${QUERY}/schedules/${unfit.id}/runs`)).json();
    const failed = await ended(unfit.id, third.runId);
    expect(failed.state).toBe('FAILED');
    expect(failed.errors[0].message).toMatch(/not_a_field/);
    // A value that is not of its field's type fails the run and its batch: nothing of it lands.
    const mistyped = await schedule({ sql: `INSERT INTO sched_target SELECT 'row-x' AS _id, 'a string' AS person` });
    const fourth = (await t.call('POST', `${QUERY}/schedules/${mistyped.id}/runs`)).json();
    const refused = await ended(mistyped.id, fourth.runId);
    expect(refused.state).toBe('FAILED');
    expect(refused.errors[0].message).toMatch(/do not fit the schema/);
    expect((await sql(t, 'SELECT count(*) AS n FROM sched_target')).rows).toEqual([{ n: '4' }]);
  });

  it('documents every template and schedule operation: its request body, query and path, and its 2xx response', async () => {
    const paths = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json().paths as Record<string, Record<string, Record<string, any>>>;
    const ours = Object.entries(paths).filter(([path]) => /^\/data\/foundation\/query\/(query-templates|schedules)/.test(path));
    const operations = ours.flatMap(([path, methods]) =>
      Object.entries(methods)
        .filter(([method]) => method !== 'head')
        .map(([method, op]) => ({ path, method, op })),
    );
    expect(operations).toHaveLength(15);
    for (const { path, method, op } of operations) {
      const responses = (op.responses ?? {}) as Record<string, { content?: Record<string, { schema?: unknown }> }>;
      const success = Object.entries(responses).filter(([status]) => status.startsWith('2'));
      expect(success.length, `${method} ${path}`).toBeGreaterThan(0);
      for (const [, response] of success) expect(response.content?.['application/json']?.schema, `${method} ${path}`).toBeDefined();
      if (['post', 'put', 'patch'].includes(method) && !path.endsWith('/runs')) expect(op.requestBody, `${method} ${path}`).toBeDefined();
      if (path.includes('{'))
        expect(
          op.parameters?.some((p: { in: string }) => p.in === 'path'),
          `${method} ${path}`,
        ).toBe(true);
    }
  });

  it('refuses bad cron, bad SQL, CREATE TABLE AS and foreign orgs, in Query Service error shape', async () => {
    const post = (body: unknown, headers?: Record<string, string>) => t.call('POST', `${QUERY}/schedules`, body, headers);
    const startDate = new Date().toISOString();
    const badCron = await post({ query: { sql: 'SELECT 1' }, schedule: { schedule: '61 * * * *', startDate } });
    expect(badCron.statusCode).toBe(400);
    expect(badCron.json()).toMatchObject({ code: 'QS-1004', errorType: 'USER_ERROR', message: expect.stringMatching(/cron/) });
    const badSql = await post({ query: { sql: 'SELEC 1 FROM' }, schedule: { schedule: '@daily', startDate } });
    expect(badSql.statusCode).toBe(400);
    expect(badSql.json()).toMatchObject({ code: 'QS-1013', errorType: 'USER_ERROR', message: expect.stringMatching(/does not parse/) });
    const ctas = await post({ query: { sql: 'CREATE TABLE x AS SELECT 1' }, schedule: { schedule: '@daily', startDate } });
    expect(ctas.json()).toMatchObject({ code: 'QS-1014' });
    expect((await post({ query: { sql: 'SELECT 1' }, schedule: { schedule: '@daily' } })).json()).toMatchObject({ code: 'QS-1005' });
    expect((await post({ query: { sql: 'SELECT 1' } })).statusCode).toBe(400);

    const mine = await schedule({ sql: 'SELECT 1' });
    expect((await t.call('GET', `${QUERY}/schedules/${mine.id}`, undefined, otherOrg)).statusCode).toBe(404);
    expect((await t.call('POST', `${QUERY}/schedules/${mine.id}/runs`, undefined, otherOrg)).statusCode).toBe(404);
    expect((await t.call('GET', `${QUERY}/schedules/${mine.id}/runs`, undefined, otherOrg)).statusCode).toBe(404);
    expect((await t.call('GET', `${QUERY}/schedules`, undefined, otherOrg)).json().schedules).toEqual([]);
    const listed = (await t.call('GET', `${QUERY}/schedules?limit=100`)).json();
    expect(listed.schedules.map((s: { id: string }) => s.id)).toContain(mine.id);
  });
});
