import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { createPlatform } from '../../src/platform.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { QUERY, sql } from '../ingest/support.js';

/** A query that runs until it is cancelled (one thread, so two of them leave the machine some room). */
const ENDLESS = 'SELECT count(*) AS n FROM range(1000000000000) a';

type View = { id: string; state: string; rowCount?: number; errors: Array<{ code: string; message: string }> };

/**
 * Query Service memory stays bounded: a fixed number of queries run at once per process (the rest wait SUBMITTED),
 * results are capped by bytes while they are read and kept in files rather than the database, and each query's
 * engine has its own memory limit with a spill folder under the home.
 */
describe('Query Service: limits on memory', () => {
  let t: TestPlatform | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  const submit = async (text: string): Promise<View> => {
    const response = await t!.call('POST', `${QUERY}/queries`, { dbName: 'prod:all', sql: text });
    expect(response.statusCode).toBe(202);
    return response.json();
  };
  const view = async (id: string): Promise<View> => (await t!.call('GET', `${QUERY}/queries/${id}`)).json();
  /** Polls the query objects until `done` holds for them (the test's own timeout bounds the wait). */
  async function until(ids: string[], done: (views: View[]) => boolean): Promise<View[]> {
    for (;;) {
      const views = await Promise.all(ids.map(view));
      if (done(views)) return views;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  const cancel = async (id: string) => expect((await t!.call('PATCH', `${QUERY}/queries/${id}`, { op: 'cancel' })).statusCode).toBe(202);

  it('runs at most TRIBUTARY_QUERY_CONCURRENCY queries at once; the others wait SUBMITTED, then run in turn', async () => {
    t = await startTestPlatform({ database: 'postgres', env: { TRIBUTARY_QUERY_CONCURRENCY: '2' } });
    t.platform.query.limits.threads = 1;
    const first = await submit(ENDLESS);
    const second = await submit(ENDLESS);
    const third = await submit('SELECT 42 AS answer');
    const fourth = await submit('SELECT 43 AS answer');

    const [a, b] = await until([first.id, second.id], (vs) => vs.every((v) => v.state === 'IN_PROGRESS'));
    expect([a!.state, b!.state]).toEqual(['IN_PROGRESS', 'IN_PROGRESS']);
    // Both slots are taken: the quick queries behind them are queued, not run.
    expect((await view(third.id)).state).toBe('SUBMITTED');
    expect((await view(fourth.id)).state).toBe('SUBMITTED');
    expect(t.platform.query.slots.running).toBe(2);
    expect(t.platform.query.slots.queued).toBe(2);
    const listed = (await t.call('GET', `${QUERY}/queries?limit=10`)).json().queries as View[];
    expect(
      listed
        .filter((q) => q.state === 'SUBMITTED')
        .map((q) => q.id)
        .sort(),
    ).toEqual([third.id, fourth.id].sort());
    expect((await t.call('GET', `${QUERY}/queries/${third.id}/results`)).statusCode).toBe(409);

    // A slot frees: the queued ones take it, in order, and complete.
    await cancel(first.id);
    const [c, d] = await until([third.id, fourth.id], (vs) => vs.every((v) => v.state === 'SUCCESS'));
    expect([c!.rowCount, d!.rowCount]).toEqual([1, 1]);
    expect((await view(second.id)).state).toBe('IN_PROGRESS');
    const answer = (await t.call('GET', `${QUERY}/queries/${third.id}/results`)).json();
    expect(answer.rows).toEqual([{ answer: 42 }]);

    // A queued query can be cancelled before it ever runs.
    await submit(ENDLESS);
    const waiting = await submit('SELECT 44 AS answer');
    expect((await view(waiting.id)).state).toBe('SUBMITTED');
    await cancel(waiting.id);
    expect((await view(waiting.id)).state).toBe('KILLED');
    for (const q of (await t.call('GET', `${QUERY}/queries?limit=10`)).json().queries as View[]) {
      if (q.state === 'IN_PROGRESS' || q.state === 'SUBMITTED') await cancel(q.id);
    }
    expect(t.platform.query.slots.running).toBe(0);
  });

  it('cuts a result at TRIBUTARY_QUERY_MAX_RESULT_BYTES while reading it, and says so', async () => {
    t = await startTestPlatform({ database: 'postgres', env: { TRIBUTARY_QUERY_MAX_RESULT_BYTES: '20000' } });
    // Rows are no limit here: only the byte cap stops this query. Its rows past the 50,000th raise an error, so it
    // succeeds only if reading stops early, long before them, instead of running the query to its end.
    t.platform.query.limits.maxRows = Number.MAX_SAFE_INTEGER;
    const big = await sql(
      t,
      `SELECT i, CASE WHEN i < 50000 THEN repeat('x', 1000) ELSE error('read past the cap') END AS pad FROM range(100000) t(i)`,
    );
    expect(big.state, JSON.stringify(big.errors)).toBe('SUCCESS');
    const query = await view(big.id);
    const results = (await t.call('GET', `${QUERY}/queries/${big.id}/results`)).json();
    expect(results).toMatchObject({
      truncated: true,
      truncation: { limit: 'bytes', message: expect.stringContaining('20000 bytes') },
      rowCount: query.rowCount,
    });
    expect(results.rows.length).toBe(query.rowCount);
    expect(results.rows.length).toBeGreaterThan(10);
    expect(results.rows.map((r: { i: string }) => Number(r.i))).toEqual(results.rows.map((_: unknown, i: number) => i));
    const kept = results.rows.reduce((sum: number, r: unknown) => sum + Buffer.byteLength(JSON.stringify(r)) + 1, 0);
    expect(kept).toBeLessThanOrEqual(20_000);
    expect(kept).toBeGreaterThan(20_000 - 1100);

    // A result under the cap is whole.
    const small = (await t.call('GET', `${QUERY}/queries/${(await sql(t, 'SELECT 1 AS one')).id}/results`)).json();
    expect(small).toMatchObject({ truncated: false, rows: [{ one: 1 }] });
    expect(small.truncation).toBeUndefined();
  });

  it("gives each query's engine TRIBUTARY_QUERY_MEMORY_LIMIT, and a large aggregate spills under the home instead of failing", async () => {
    t = await startTestPlatform({ database: 'postgres', env: { TRIBUTARY_QUERY_MEMORY_LIMIT: '64MB' } });
    t.platform.query.limits.threads = 1;
    const setting = await sql(t, `SELECT current_setting('memory_limit') AS m`);
    expect(setting.rows).toEqual([{ m: '61.0 MiB' }]);
    // About 200 MB of distinct hashes: more than the engine may hold, so it spills.
    const big = await sql(t, 'SELECT count(DISTINCT h) AS n FROM (SELECT md5(i::VARCHAR) AS h FROM range(3000000) t(i))');
    expect(big.state, JSON.stringify(big.errors)).toBe('SUCCESS');
    expect(big.rows).toEqual([{ n: '3000000' }]);
    // The spill folder goes with the query.
    const spill = join(t.home, 'query-spill');
    expect(existsSync(spill) ? readdirSync(spill) : []).toEqual([]);
  });

  it('keeps results in files under the home, readable page by page and after a restart', async () => {
    t = await startTestPlatform({ database: 'postgres' });
    const done = await sql(t, 'SELECT i, i * 2 AS twice FROM range(2500) t(i) ORDER BY i');
    expect(done.rows).toHaveLength(2500);
    expect(readdirSync(join(t.home, 'query-results'))).toEqual([`${done.id}.ndjson`]);
    const stored = await t.platform.db.query<{ rows: unknown }>('select rows from queries where id = $1', [done.id]);
    expect(stored[0]!.rows).toBeNull();

    // The process stops; a new one on the same home and database serves the same result.
    await t.app.close();
    await t.platform.close();
    const platform = await createPlatform(t.platform.config);
    const app = await buildApp(platform, { logLevel: false });
    try {
      await platform.startBackground({ scheduler: false });
      const page = async (query: string) =>
        (await app.inject({ method: 'GET', url: `${QUERY}/queries/${done.id}/results${query}`, headers: t!.headers })).json();
      const all = await page('');
      expect(all).toMatchObject({ queryId: done.id, rowCount: 2500, truncated: false, _page: { start: 0, count: 2500 } });
      expect(all.rows).toEqual(done.rows);
      // A page that starts inside the file's second page and runs into its third.
      const middle = await page('?start=1998&limit=5');
      expect(middle).toMatchObject({ rowCount: 2500, _page: { start: 1998, count: 5 } });
      expect(middle.rows).toEqual([1998, 1999, 2000, 2001, 2002].map((i) => ({ i: String(i), twice: String(i * 2) })));
      expect((await page('?start=2499&limit=10')).rows).toEqual([{ i: '2499', twice: '4998' }]);
      expect((await page('?start=2500')).rows).toEqual([]);
      const refused = await app.inject({ method: 'GET', url: `${QUERY}/queries/${done.id}/results?limit=0`, headers: t.headers });
      expect(refused.statusCode).toBe(400);
      // A home restored without its results: the query says so rather than sending a cut-off body.
      rmSync(join(t.home, 'query-results', `${done.id}.ndjson`));
      const lost = await app.inject({ method: 'GET', url: `${QUERY}/queries/${done.id}/results`, headers: t.headers });
      expect(lost.statusCode).toBe(409);
      expect(lost.body).toMatch(/no longer stored/);
    } finally {
      await app.close();
      await platform.close();
    }
  });

  it("a sandbox reset removes its queries' result files, and only those", async () => {
    t = await startTestPlatform({ database: 'postgres' });
    await t.platform.startBackground({ scheduler: false });
    await t.platform.identity.createSandbox(t.credentials.imsOrg, { name: 'dev' });
    const kept = await sql(t, 'SELECT 1 AS one');
    const dropped = await sql(t, 'SELECT 2 AS two', { 'x-sandbox-name': 'dev' });
    expect(dropped.rows).toEqual([{ two: 2 }]);
    const files = () => readdirSync(join(t!.home, 'query-results')).sort();
    expect(files()).toEqual([`${kept.id}.ndjson`, `${dropped.id}.ndjson`].sort());
    const reset = await t.call('PUT', '/data/foundation/sandbox-management/sandboxes/dev', { action: 'reset' });
    expect(reset.statusCode).toBe(202);
    await t.platform.sandboxes.settle();
    expect(files()).toEqual([`${kept.id}.ndjson`]);
    expect((await t.call('GET', `${QUERY}/queries/${kept.id}/results`)).json().rows).toEqual([{ one: 1 }]);
  });
});
