/**
 * `npx tsx bench/compaction.bench.ts`: SQL over many micro-batches, before and after table compaction.
 *
 * In this process, on the embedded database: one people dataset gets COMPACT_BATCHES micro-batches (1,000 by default)
 * of COMPACT_ROWS rows each (100), landed through Catalog's own lifecycle as a stream lands them — one small Parquet
 * file and one `append` snapshot each. Then a SQL aggregate through Query Service's API is timed (the median of
 * COMPACT_QUERIES runs, 5), the table is compacted (timed), and the same query is timed again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { loadConfig } from '../src/config/config.js';
import { buildApp } from '../src/http/app.js';
import { createPlatform, ensureCredentials } from '../src/platform.js';

const BATCHES = Number(process.env.COMPACT_BATCHES ?? 1000);
const ROWS = Number(process.env.COMPACT_ROWS ?? 100);
const QUERIES = Number(process.env.COMPACT_QUERIES ?? 5);

const home = mkdtempSync(join(tmpdir(), 'tributary-compaction-bench-'));
const platform = await createPlatform(loadConfig({ TRIBUTARY_HOME: home, TRIBUTARY_COMPACT_INTERVAL_MS: '0', LOG_LEVEL: 'silent' }));
try {
  const credentials = await ensureCredentials(platform);
  const app = await buildApp(platform, { logLevel: false });
  const token = (
    await app.inject({
      method: 'POST',
      url: '/ims/token/v3',
      payload: `grant_type=client_credentials&client_id=${credentials.clientId}&client_secret=${encodeURIComponent(credentials.clientSecret)}&scope=openid`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
  ).json().access_token as string;
  const headers = {
    authorization: `Bearer ${token}`,
    'x-api-key': credentials.clientId,
    'x-gw-ims-org-id': credentials.imsOrg,
    'x-sandbox-name': credentials.sandboxName,
    'content-type': 'application/json',
  };
  const call = (method: 'GET' | 'POST', url: string, body?: unknown) =>
    app.inject({ method, url, headers, ...(body !== undefined ? { payload: JSON.stringify(body) } : {}) });
  await platform.startBackground({ scheduler: false });

  const schema = await call('POST', '/data/foundation/schemaregistry/tenant/schemas', {
    type: 'object',
    title: 'Bench people schema',
    allOf: [{ $ref: 'https://ns.adobe.com/xdm/context/profile' }, { $ref: 'https://ns.adobe.com/xdm/context/profile-person-details' }],
  });
  const created = await call('POST', '/data/foundation/catalog/dataSets', { name: 'Bench People', schemaRef: { id: schema.json().$id } });
  const datasetId = (created.json()[0] as string).split('/').pop()!;
  const dataset = (await call('GET', `/data/foundation/catalog/dataSets/${datasetId}`)).json()[datasetId];
  const table = dataset.tags['adobe/pqs/table'][0] as string;
  const scope = await platform.identity.systemScope(credentials.imsOrg, dataset.sandboxId as string);

  const duck = await DuckDBInstance.create(':memory:');
  const connection = await duck.connect();
  let started = performance.now();
  for (let b = 0; b < BATCHES; b++) {
    const { batchId, staging } = await platform.catalog.beginBatch(scope, { datasetId });
    await connection.run(
      `COPY (SELECT 'b${b}-' || range AS _id, {'name': {'firstName': 'F' || (range % 7)}} AS person FROM range(${ROWS})) TO '${join(staging.dir, 'part-00000.parquet')}' (FORMAT parquet)`,
    );
    const landed = await platform.catalog.finishBatch(scope, batchId, staging, {
      recordCount: ROWS,
      failedRecordCount: 0,
      inputFiles: [],
      rowErrors: [],
    });
    if (landed.status !== 'success') throw new Error(`batch ${b} did not land`);
  }
  connection.closeSync();
  duck.closeSync();
  const landSeconds = (performance.now() - started) / 1000;

  const text = `SELECT count(*)::BIGINT AS n, count(DISTINCT _id)::BIGINT AS ids, count(DISTINCT person.name.firstName)::BIGINT AS names FROM ${table}`;
  const query = async (): Promise<{ ms: number; row: unknown }> => {
    const at = performance.now();
    const submitted = await call('POST', '/data/foundation/query/queries', { dbName: 'prod:all', sql: text });
    const id = submitted.json().id as string;
    await platform.query.settled(id);
    const ms = performance.now() - at;
    const state = (await call('GET', `/data/foundation/query/queries/${id}`)).json().state;
    if (state !== 'SUCCESS') throw new Error(`query ${id} ended ${state}`);
    return { ms, row: (await call('GET', `/data/foundation/query/queries/${id}/results`)).json().rows[0] };
  };
  const timed = async () => {
    const runs = [];
    for (let i = 0; i < QUERIES; i++) runs.push(await query());
    const ms = runs.map((r) => r.ms).sort((a, b) => a - b);
    return { median: ms[Math.floor(ms.length / 2)]!, row: runs[0]!.row };
  };

  const before = await timed();
  started = performance.now();
  const outcome = await platform.compactor.compact({ orgId: scope.orgId, sandboxId: scope.sandboxId, datasetId });
  const compactSeconds = (performance.now() - started) / 1000;
  const after = await timed();
  if (JSON.stringify(before.row) !== JSON.stringify(after.row))
    throw new Error(`answers differ: ${JSON.stringify(before.row)} vs ${JSON.stringify(after.row)}`);

  console.log(`| micro-batches | rows | landing s | SQL before ms | compaction s | files after | SQL after ms |`);
  console.log(`|---|---|---|---|---|---|---|`);
  console.log(
    `| ${BATCHES} | ${BATCHES * ROWS} | ${landSeconds.toFixed(1)} | ${before.median.toFixed(0)} | ${compactSeconds.toFixed(1)} | ${
      outcome.status === 'compacted' ? outcome.addedFiles : outcome.status
    } | ${after.median.toFixed(0)} |`,
  );
  await app.close();
} finally {
  await platform.close({ graceMs: 100 });
  rmSync(home, { recursive: true, force: true });
}
