import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { IMPORT, QUERY, completeBatch, count, makeDataset, sql, upload } from '../ingest/support.js';

/** SQL over the lake: read-only, confined to the caller's org and sandbox, with a row limit and a timeout. */
describe('Query Service', () => {
  let t: TestPlatform;
  let datasetId: string;
  let lakeFile: string;
  let otherOrg: Record<string, string>;

  beforeAll(async () => {
    t = await startTestPlatform();
    await t.platform.startBackground({ scheduler: false });
    ({ datasetId } = await makeDataset(t, 'Query People'));
    const batch = (await t.call('POST', `${IMPORT}/batches`, { datasetId, inputFormat: { format: 'json' } })).json();
    const rows = Array.from({ length: 30 }, (_, i) => JSON.stringify({ _id: `q-${i}`, person: { name: { firstName: `N${i}` } } })).join('\n');
    await upload(t, 'PUT', `${IMPORT}/batches/${batch.id}/datasets/${datasetId}/files/rows.json`, rows);
    expect((await completeBatch(t, batch.id)).status).toBe('success');
    lakeFile = (await t.platform.catalog.datasetFiles(await scopeOf(t), datasetId)).paths[0]!;

    // A second org, with a client and a token of its own.
    const org = await t.platform.identity.createOrg({ name: 'Other Org' });
    const client = await t.platform.identity.createClient(org.orgId, 'other');
    const token = await t.platform.identity.issueToken(client.clientId, client.clientSecret);
    otherOrg = { authorization: `Bearer ${token.accessToken}`, 'x-api-key': client.clientId, 'x-gw-ims-org-id': org.orgId, 'x-sandbox-name': 'prod' };
    await t.platform.identity.createSandbox(t.credentials.imsOrg, { name: 'dev' });
  });
  afterAll(async () => t?.close());

  async function scopeOf(tp: TestPlatform) {
    const sandboxId = (
      await tp.platform.db.query<{ id: string }>(`select id from sandboxes where org_id = $1 and name = 'prod'`, [tp.credentials.imsOrg])
    )[0]!.id;
    return tp.platform.identity.systemScope(tp.credentials.imsOrg, sandboxId);
  }

  it('answers POST /queries with 202 and the query object, then SUCCESS with results', async () => {
    const submitted = await t.call('POST', `${QUERY}/queries`, { dbName: 'prod:all', sql: 'SELECT count(*) AS n FROM query_people', name: 'count' });
    expect(submitted.statusCode).toBe(202);
    const query = submitted.json();
    expect(query).toMatchObject({
      request: { dbName: 'prod:all', sql: 'SELECT count(*) AS n FROM query_people', name: 'count' },
      isCTAS: false,
      version: 1,
    });
    expect(query.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(['SUBMITTED', 'IN_PROGRESS']).toContain(query.state);
    expect(new Date(query.created).toISOString()).toBe(query.created);
    await t.platform.query.settled(query.id);
    const done = (await t.call('GET', `${QUERY}/queries/${query.id}`)).json();
    expect(done).toMatchObject({ state: 'SUCCESS', rowCount: 1, _links: { referenced_datasets: [{ id: datasetId }] } });
    const results = (await t.call('GET', `${QUERY}/queries/${query.id}/results`)).json();
    expect(results).toMatchObject({ rowCount: 1, truncated: false, rows: [{ n: '30' }], columns: [{ name: 'n', type: 'BIGINT' }] });
    const list = (await t.call('GET', `${QUERY}/queries?limit=5`)).json();
    expect(list.queries.map((q: { id: string }) => q.id)).toContain(query.id);
    expect((await t.call('GET', `${QUERY}/queries/00000000-0000-0000-0000-000000000000`)).statusCode).toBe(404);
  });

  it('reads the table by name or id, WITH queries included, and keeps at most the row limit', async () => {
    expect(await count(t, `"${datasetId}"`)).toBe(30);
    const withQuery = await sql(t, `WITH x AS (SELECT _id FROM query_people WHERE _id IN ('q-1', 'q-2')) SELECT * FROM x ORDER BY _id;`);
    expect(withQuery.rows).toEqual([{ _id: 'q-1' }, { _id: 'q-2' }]);
    const saved = { ...(t.platform.query as unknown as { limits: { maxRows: number } }).limits };
    (t.platform.query as unknown as { limits: { maxRows: number } }).limits.maxRows = 10;
    try {
      const limited = await sql(t, 'SELECT _id FROM query_people');
      expect(limited.rows).toHaveLength(10);
      expect((await t.call('GET', `${QUERY}/queries/${limited.id}/results`)).json().truncated).toBe(true);
    } finally {
      Object.assign((t.platform.query as unknown as { limits: object }).limits, saved);
    }
  });

  it("shows every field of the dataset's schema: NULL where no batch wrote one, and no rows before any batch", async () => {
    const written = await sql(
      t,
      `SELECT person.name.firstName AS first, person.name.lastName AS last, personalEmail.address AS mail, homeAddress.city AS city FROM query_people WHERE _id = 'q-1'`,
    );
    expect(written.state, JSON.stringify(written.errors)).toBe('SUCCESS');
    expect(written.rows).toEqual([{ first: 'N1', last: null, mail: null, city: null }]);
    await makeDataset(t, 'Query Nobody');
    const empty = await sql(t, 'SELECT person.name.firstName, personalEmail.address FROM query_nobody');
    expect(empty.state, JSON.stringify(empty.errors)).toBe('SUCCESS');
    expect(empty.rows).toEqual([]);
    // A field the schema does not have is still an error, with the engine's message.
    const unknown = await sql(t, 'SELECT person.nickname FROM query_people');
    expect(unknown.state).toBe('FAILED');
    expect(unknown.errors[0]!.message).toMatch(/nickname/);
  });

  it('stops a query at its timeout', async () => {
    const limits = (t.platform.query as unknown as { limits: { timeoutMs: number } }).limits;
    const saved = limits.timeoutMs;
    limits.timeoutMs = 500;
    try {
      const slow = await sql(t, 'SELECT count(*) FROM range(1000000000000) a');
      expect(slow.state).toBe('FAILED');
      expect(slow.errors[0]!.message).toMatch(/longer than 500 ms/);
    } finally {
      limits.timeoutMs = saved;
    }
  });

  it('refuses every statement that is not a single read of the lake', async () => {
    const forbidden = [
      `COPY (SELECT * FROM query_people) TO '/tmp/tributary-stolen.csv'`,
      `COPY query_people TO '/tmp/tributary-stolen.parquet' (FORMAT parquet)`,
      `SELECT * FROM read_csv('/etc/passwd')`,
      `SELECT * FROM read_text('/etc/passwd')`,
      `SELECT * FROM read_json_auto('/etc/hosts')`,
      `SELECT * FROM glob('/etc/*')`,
      `SELECT * FROM read_parquet('${lakeFile}') UNION ALL SELECT * FROM read_parquet('/tmp/x.parquet')`,
      `ATTACH '/tmp/tributary-attack.db' AS a`,
      `ATTACH ':memory:' AS a`,
      `INSTALL httpfs`,
      `LOAD httpfs`,
      `PRAGMA database_list`,
      `PRAGMA memory_limit = '100GB'`,
      `SET enable_external_access = true`,
      `SET memory_limit = '100GB'`,
      `RESET lock_configuration`,
      `CREATE TABLE t AS SELECT * FROM query_people`,
      `INSERT INTO query_people VALUES (1)`,
      `DROP VIEW query_people`,
      `EXPORT DATABASE '/tmp/tributary-export'`,
      `CALL pragma_version()`,
      `EXPLAIN SELECT 1`,
      `SELECT 1; SELECT 2`,
      `SELECT 1; COPY (SELECT 1) TO '/tmp/tributary-x.csv'`,
      `/* comment */ DETACH memory`,
    ];
    for (const text of forbidden) {
      const result = await sql(t, text);
      expect(result.state, text).toBe('FAILED');
      expect(result.errors.length, text).toBeGreaterThan(0);
    }
    for (const path of [
      '/tmp/tributary-stolen.csv',
      '/tmp/tributary-stolen.parquet',
      '/tmp/tributary-attack.db',
      '/tmp/tributary-export',
      '/tmp/tributary-x.csv',
    ]) {
      expect(existsSync(path), path).toBe(false);
    }
    const results = await t.call('GET', `${QUERY}/queries/${(await sql(t, 'INSTALL httpfs')).id}/results`);
    expect(results.statusCode).toBe(409);
  });

  it('never shows another sandbox or org any data', async () => {
    const dev = { 'x-sandbox-name': 'dev' };
    for (const table of ['query_people', `"${datasetId}"`]) {
      expect((await sql(t, `SELECT count(*) FROM ${table}`, dev)).state).toBe('FAILED');
      expect((await sql(t, `SELECT count(*) FROM ${table}`, otherOrg)).state).toBe('FAILED');
    }
    // Not through the file either.
    expect((await sql(t, `SELECT count(*) FROM read_parquet('${lakeFile}')`, otherOrg)).state).toBe('FAILED');
    // Nor the queries of others.
    const mine = await sql(t, 'SELECT 1 AS one');
    expect((await t.call('GET', `${QUERY}/queries/${mine.id}`, undefined, otherOrg)).statusCode).toBe(404);
    expect((await t.call('GET', `${QUERY}/queries/${mine.id}/results`, undefined, dev)).statusCode).toBe(404);
    const theirs = (await t.call('GET', `${QUERY}/queries?limit=1000`, undefined, otherOrg)).json().queries as Array<{ id: string; client: string }>;
    expect(theirs.length).toBeGreaterThan(0); // the ones it ran above
    expect(theirs.filter((q) => q.id === mine.id || q.client === t.credentials.clientId)).toEqual([]);
    // The other org's own dataset of the same name is its own table.
    await makeDataset(t, 'Query People', otherOrg);
    expect(await count(t, 'query_people', otherOrg)).toBe(0);
    expect(await count(t, 'query_people')).toBe(30);
  });

  it('refuses malformed requests', async () => {
    expect((await t.call('POST', `${QUERY}/queries`, {})).statusCode).toBe(400);
    expect((await t.call('POST', `${QUERY}/queries`, { sql: '   ' })).statusCode).toBe(400);
    expect((await t.call('GET', `${QUERY}/queries?orderby=name`)).statusCode).toBe(400);
  });
});
