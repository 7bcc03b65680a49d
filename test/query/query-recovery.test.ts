import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { QUERY, sql } from '../ingest/support.js';

/**
 * A query left SUBMITTED/IN_PROGRESS by a process that died is FAILED when a process starts its background work:
 * every such query on the embedded database, only those older than the query timeout on PostgreSQL.
 */
describe('Query Service: queries left running by a dead process', () => {
  let t: TestPlatform | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  /** A query row as a process that died mid-query leaves it, started `agoMs` ago. */
  async function orphan(t: TestPlatform, state: 'SUBMITTED' | 'IN_PROGRESS', agoMs: number): Promise<string> {
    const id = randomUUID();
    const sandboxId = (
      await t.platform.db.query<{ id: string }>(`select id from sandboxes where org_id = $1 and name = 'prod'`, [t.credentials.imsOrg])
    )[0]!.id;
    await t.platform.db.query(
      `insert into queries (id, org_id, sandbox_id, client_id, sql, state, created_at, updated_at, started_at)
       values ($1, $2, $3, $4, 'SELECT 1', $5, now() - make_interval(secs => $6::float8 / 1000), now() - make_interval(secs => $6::float8 / 1000),
               case when $5 = 'IN_PROGRESS' then now() - make_interval(secs => $6::float8 / 1000) end)`,
      [id, t.credentials.imsOrg, sandboxId, t.credentials.clientId, state, agoMs],
    );
    return id;
  }
  const state = async (t: TestPlatform, id: string) => (await t.call('GET', `${QUERY}/queries/${id}`)).json();

  it('embedded: every query left running fails at start-up with a message; finished ones are untouched', async () => {
    t = await startTestPlatform({ database: 'pglite' });
    const done = await sql(t, 'SELECT 42 AS answer');
    expect(done.state).toBe('SUCCESS');
    const running = await orphan(t, 'IN_PROGRESS', 1_000);
    const submitted = await orphan(t, 'SUBMITTED', 0);
    expect((await state(t, running)).state).toBe('IN_PROGRESS');

    await t.platform.startBackground({ scheduler: false });
    for (const id of [running, submitted]) {
      const query = await state(t, id);
      expect(query.state).toBe('FAILED');
      expect(query.errors).toEqual([{ code: 'XX000', message: expect.stringContaining('stopped before it finished') }]);
    }
    expect((await state(t, done.id)).state).toBe('SUCCESS');
    expect((await t.call('GET', `${QUERY}/queries/${running}/results`)).statusCode).toBe(409);
  });

  it('PostgreSQL: only queries older than the query timeout fail; younger ones may be running in another process', async () => {
    t = await startTestPlatform({ database: 'postgres' });
    const timeout = t.platform.query.limits.timeoutMs;
    const stale = await orphan(t, 'IN_PROGRESS', timeout + 5_000);
    const staleSubmitted = await orphan(t, 'SUBMITTED', timeout + 5_000);
    const young = await orphan(t, 'IN_PROGRESS', Math.floor(timeout / 2));

    await t.platform.startBackground({ scheduler: false });
    expect((await state(t, stale)).state).toBe('FAILED');
    expect((await state(t, staleSubmitted)).state).toBe('FAILED');
    expect((await state(t, young)).state).toBe('IN_PROGRESS');
    // A query submitted now runs to its end as usual.
    expect((await sql(t, 'SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });
});
