import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_LOCAL_ROOTS } from '../support/launch.js';
import { startTestPlatform, type TestDatabase, type TestPlatform } from '../support/platform.js';
import { IMPORT, QUERY, completeBatch, makeDataset, upload } from '../ingest/support.js';

const run = promisify(execFile);

/** Query Service's PostgreSQL interface, spoken to by the `pg` client and by psql. */
describe.each<TestDatabase>(['pglite', 'postgres'])('the PostgreSQL interface (%s)', (database) => {
  let t: TestPlatform;
  let port: number;
  let other: { orgId: string; token: string };
  const clients: pg.Client[] = [];

  async function connect(options: { user?: string; password?: string; database?: string } = {}): Promise<pg.Client> {
    const client = new pg.Client({
      host: '127.0.0.1',
      port,
      user: options.user ?? t.credentials.imsOrg,
      password: options.password ?? t.token,
      database: options.database ?? 'prod:all',
    });
    clients.push(client);
    await client.connect();
    return client;
  }

  beforeAll(async () => {
    t = await startTestPlatform({ database });
    await t.platform.startBackground({ scheduler: false });
    const { datasetId } = await makeDataset(t, 'Wire People');
    const batch = (await t.call('POST', `${IMPORT}/batches`, { datasetId, inputFormat: { format: 'json' } })).json();
    const rows = Array.from({ length: 12 }, (_, i) => JSON.stringify({ _id: `w-${i}`, person: { name: { firstName: `N${i}` } } })).join('\n');
    await upload(t, 'PUT', `${IMPORT}/batches/${batch.id}/datasets/${datasetId}/files/rows.json`, rows);
    expect((await completeBatch(t, batch.id)).status).toBe('success');
    port = await t.platform.sqlGateway.listen(0, '127.0.0.1');
    const org = await t.platform.identity.createOrg({ name: 'Wire Other Org' });
    const client = await t.platform.identity.createClient(org.orgId, 'other');
    other = { orgId: org.orgId, token: (await t.platform.identity.issueToken(client.clientId, client.clientSecret)).accessToken };
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end().catch(() => undefined)));
    await t?.close();
  });

  it('logs in with the org and token, and answers a SELECT over a dataset with typed columns', async () => {
    const client = await connect();
    const count = await client.query('SELECT count(*) AS n FROM wire_people');
    // int8 (the store sets pg to parse it as a number in this process).
    expect(Number(count.rows[0].n)).toBe(12);
    expect(count.fields.map((f) => [f.name, f.dataTypeID])).toEqual([['n', 20]]);
    const typed = await client.query(
      `SELECT _id, person.name.firstName AS first, person.name AS name, 7::INTEGER AS i, 2.5::DOUBLE AS d, true AS b,
              DATE '2024-02-03' AS day, TIMESTAMP '2024-02-03 04:05:06' AS at, 1.25::DECIMAL(5,2) AS amount, NULL::VARCHAR AS nothing
       FROM wire_people WHERE _id IN ('w-1', 'w-2') ORDER BY _id`,
    );
    expect(typed.fields.map((f) => f.dataTypeID)).toEqual([25, 25, 114, 23, 701, 16, 1082, 1114, 1700, 25]);
    expect(typed.rows).toHaveLength(2);
    expect(typed.rows[0]).toMatchObject({ _id: 'w-1', first: 'N1', i: 7, d: 2.5, b: true, amount: '1.25', nothing: null });
    expect(typed.rows[0].name).toMatchObject({ firstName: 'N1' });
    expect(typed.rows[0].day).toBeInstanceOf(Date);
    expect((typed.rows[0].at as Date).getFullYear()).toBe(2024);
  });

  it('runs prepared statements with parameters (named, reused, and unnamed)', async () => {
    const client = await connect();
    const byId = { name: 'person-by-id', text: 'SELECT _id, person.name.firstName AS first FROM wire_people WHERE _id = $1' };
    expect((await client.query({ ...byId, values: ['w-3'] })).rows).toEqual([{ _id: 'w-3', first: 'N3' }]);
    expect((await client.query({ ...byId, values: ['w-4'] })).rows).toEqual([{ _id: 'w-4', first: 'N4' }]);
    expect((await client.query({ ...byId, values: ['nobody'] })).rows).toEqual([]);
    const counted = await client.query('SELECT count(*)::INTEGER AS n FROM wire_people WHERE _id LIKE $1 AND length(_id) = $2', ['w-1%', 4]);
    expect(counted.rows).toEqual([{ n: 2 }]); // w-10 and w-11, not w-1
  });

  it('answers a failing statement with an ErrorResponse and its SQLSTATE, and the connection goes on', async () => {
    const client = await connect();
    await expect(client.query('SELECT no_such_column FROM wire_people')).rejects.toMatchObject({ code: '42703' });
    await expect(client.query('SELECT * FROM no_such_table')).rejects.toMatchObject({ code: '42P01' });
    await expect(client.query('SELECT (1')).rejects.toMatchObject({ code: '42601' });
    await expect(client.query("DELETE FROM wire_people WHERE _id = 'w-1'")).rejects.toMatchObject({ code: '25006' });
    await expect(client.query('SELECT * FROM wire_people WHERE _id = $1', ['a', 'b'])).rejects.toMatchObject({ code: '42000' });
    expect((await client.query('SELECT count(*)::INTEGER AS n FROM wire_people')).rows).toEqual([{ n: 12 }]);
  });

  it('answers the statements clients send for themselves: SET, SHOW, version(), transactions', async () => {
    const client = await connect();
    await client.query("SET application_name = 'wire-test'");
    expect((await client.query('SHOW application_name')).rows).toEqual([{ application_name: 'wire-test' }]);
    expect((await client.query('SHOW server_version')).rows).toEqual([{ server_version: '14.0' }]);
    expect((await client.query('SELECT version()')).rows[0].version).toMatch(/^PostgreSQL 14\.0/);
    expect((await client.query('SELECT current_database()')).rows).toEqual([{ current_database: 'prod:all' }]);
    await client.query('BEGIN');
    expect((await client.query('SELECT count(*)::INTEGER AS n FROM wire_people')).rows).toEqual([{ n: 12 }]);
    await client.query('COMMIT');
    expect((await client.query('')).rows).toEqual([]);
  });

  it('refuses a wrong password, a foreign org name and an unknown sandbox with 28P01', async () => {
    await expect(connect({ password: 'not-a-token' })).rejects.toMatchObject({ code: '28P01' });
    await expect(connect({ password: `${t.token.slice(0, -4)}AAAA` })).rejects.toMatchObject({ code: '28P01' });
    await expect(connect({ user: other.orgId })).rejects.toMatchObject({ code: '28P01' });
    await expect(connect({ database: 'nosuchsandbox:all' })).rejects.toMatchObject({ code: '28P01' });
  });

  it("gives another org's token only that org's tables", async () => {
    const client = await connect({ user: other.orgId, password: other.token });
    await expect(client.query('SELECT count(*) FROM wire_people')).rejects.toMatchObject({ code: '42P01' });
  });

  it('serves /connection_parameters with which a client logs in', async () => {
    const response = await t.call('GET', `${QUERY}/connection_parameters`);
    expect(response.statusCode).toBe(200);
    const params = response.json();
    expect(params).toEqual({
      username: t.credentials.imsOrg,
      dbName: 'prod:all',
      host: '127.0.0.1',
      port,
      version: 1,
      token: t.token,
      compressedToken: t.token,
    });
    const client = await connect({ user: params.username, password: params.token, database: params.dbName });
    expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('makes technical accounts whose non-expiring credentials log in until the account is deleted', async () => {
    const created = await t.call('POST', `${QUERY}/accounts`, { name: 'BI tool', description: 'dashboards' });
    expect(created.statusCode, created.body).toBe(201);
    const account = created.json();
    expect(account).toMatchObject({ name: 'BI tool', description: 'dashboards', username: expect.stringMatching(/@techacct\.adobe\.com$/) });
    expect(account.password).toMatch(/^pq-/);
    const listed = (await t.call('GET', `${QUERY}/accounts`)).json();
    expect(listed.accounts.map((a: { id: string }) => a.id)).toContain(account.id);
    expect(JSON.stringify(listed)).not.toContain(account.password);
    expect((await t.call('GET', `${QUERY}/accounts/${account.id}`)).json()).not.toHaveProperty('password');
    expect((await t.call('POST', `${QUERY}/accounts`, { name: 7 })).statusCode).toBe(400);

    const client = await connect({ user: account.username, password: account.password });
    expect((await client.query('SELECT count(*)::INTEGER AS n FROM wire_people')).rows).toEqual([{ n: 12 }]);
    await expect(connect({ user: account.username, password: `${account.password}x` })).rejects.toMatchObject({ code: '28P01' });
    await expect(connect({ user: account.username, password: account.password, database: 'nosuchsandbox:all' })).rejects.toMatchObject({
      code: '28P01',
    });

    expect((await t.call('DELETE', `${QUERY}/accounts/${account.id}`)).statusCode).toBe(204);
    expect((await t.call('DELETE', `${QUERY}/accounts/${account.id}`)).statusCode).toBe(404);
    await expect(connect({ user: account.username, password: account.password })).rejects.toMatchObject({ code: '28P01' });
  });

  // Known gap: \gdesc's Parse and Describe of the statement are answered, but psql then sends
  // `pg_catalog.format_type(oid, typmod)` over VALUES, which DuckDB's pg_catalog layer fails on ("Type with name
  // BIGINT does not exist"). Catalog queries of that kind need answers of the session's own.
  it.fails('describes a statement for psql \\gdesc', async () => {
    const conninfo = `host=127.0.0.1 port=${port} dbname=prod:all user=${t.credentials.imsOrg} password=${t.token}`;
    const child = run('psql', [conninfo, '-X', '-A', '-t'], { env: { ...process.env, TRIBUTARY_LOCAL_ROOTS: TEST_LOCAL_ROOTS } });
    child.child.stdin?.end('SELECT _id, count(*) AS n FROM wire_people GROUP BY _id \\gdesc\n');
    expect((await child).stdout).toBe('_id|text\nn|bigint\n');
  });

  it('answers psql', async () => {
    const conninfo = `host=127.0.0.1 port=${port} dbname=prod:all user=${t.credentials.imsOrg} password=${t.token}`;
    const { stdout } = await run(
      'psql',
      [conninfo, '-X', '-A', '-t', '-c', "SELECT _id, person.name.firstName FROM wire_people WHERE _id IN ('w-5', 'w-6') ORDER BY _id"],
      {
        env: { ...process.env, TRIBUTARY_LOCAL_ROOTS: TEST_LOCAL_ROOTS, PGCONNECT_TIMEOUT: '20' },
      },
    );
    expect(stdout).toBe('w-5|N5\nw-6|N6\n');
    const failed = await run('psql', [conninfo, '-X', '-c', 'SELECT nope FROM wire_people'], {
      env: { ...process.env, TRIBUTARY_LOCAL_ROOTS: TEST_LOCAL_ROOTS },
    }).catch((error: { code: number; stderr: string }) => error);
    expect(failed).toMatchObject({ code: 1 });
    expect((failed as { stderr: string }).stderr).toMatch(/ERROR:.*nope/);
    const refused = await run('psql', [conninfo.replace(t.token, 'wrong'), '-X', '-c', 'SELECT 1'], {
      env: { ...process.env, TRIBUTARY_LOCAL_ROOTS: TEST_LOCAL_ROOTS },
    }).catch((error: { code: number; stderr: string }) => error);
    expect((refused as { stderr: string }).stderr).toMatch(/password authentication failed/);
  });
});
