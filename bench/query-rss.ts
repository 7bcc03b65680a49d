/**
 * How much memory a server keeps for Query Service results: starts `serve` in a fresh home, runs QUERIES large-result
 * queries at once (ROWS rows of ROW_BYTES bytes each, 200 MB per result by default), downloads their results, and
 * prints the server's resident memory (VmRSS) before, at its peak, after the queries and a while after that.
 * A measurement, not a test: `npx tsx bench/query-rss.ts` (TRIBUTARY_QUERY_* settings pass through to the server).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const QUERIES = Number(process.env.QUERIES ?? 4);
const ROWS = Number(process.env.ROWS ?? 10_000);
const ROW_BYTES = Number(process.env.ROW_BYTES ?? 20_000);
const PORT = Number(process.env.BENCH_PORT ?? 18_000 + Math.floor(Math.random() * 1000));
const base = `http://127.0.0.1:${PORT}`;
const home = mkdtempSync(join(tmpdir(), 'tributary-rss-'));

const server = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve'], {
  env: { ...process.env, TRIBUTARY_HOME: home, PORT: String(PORT), LOG_LEVEL: 'warn' },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const rssMb = () => {
  const line = readFileSync(`/proc/${server.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
  return Math.round(Number(line?.[1] ?? 0) / 1024);
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

try {
  let headers: Record<string, string> | undefined;
  for (let i = 0; i < 600 && !headers; i++) {
    await sleep(200);
    try {
      const credentials = JSON.parse(readFileSync(join(home, 'credentials.json'), 'utf8'));
      const token = await fetch(`${base}/ims/token/v3`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `grant_type=client_credentials&client_id=${credentials.clientId}&client_secret=${encodeURIComponent(credentials.clientSecret)}`,
      }).then((r) => r.json());
      headers = {
        authorization: `Bearer ${token.access_token}`,
        'x-api-key': credentials.clientId,
        'x-gw-ims-org-id': credentials.imsOrg,
        'x-sandbox-name': credentials.sandboxName,
        'content-type': 'application/json',
      };
    } catch {
      // not up yet
    }
  }
  if (!headers) throw new Error('the server did not start');
  const before = rssMb();
  let peak = before;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb());
  }, 100);

  const sql = `SELECT i, repeat('x', ${ROW_BYTES}) AS pad FROM range(${ROWS}) t(i)`;
  const outcomes = await Promise.all(
    Array.from({ length: QUERIES }, async () => {
      const query = await fetch(`${base}/data/foundation/query/queries`, { method: 'POST', headers, body: JSON.stringify({ sql }) }).then((r) =>
        r.json(),
      );
      for (;;) {
        const view = await fetch(`${base}/data/foundation/query/queries/${query.id}`, { headers }).then((r) => r.json());
        if (!['SUBMITTED', 'IN_PROGRESS'].includes(view.state)) break;
        await sleep(100);
      }
      const results = await fetch(`${base}/data/foundation/query/queries/${query.id}/results`, { headers });
      const body = Buffer.from(await results.arrayBuffer());
      const parsed = results.ok ? JSON.parse(body.toString()) : null;
      return { status: results.status, bytes: body.length, rows: parsed?.rowCount, truncated: parsed?.truncation?.limit ?? parsed?.truncated };
    }),
  );
  const afterQueries = rssMb();
  await sleep(10_000);
  clearInterval(sampler);
  const settled = rssMb();
  console.log(
    JSON.stringify({ queries: QUERIES, resultBytesEach: ROWS * ROW_BYTES, outcomes, rssMb: { before, peak, afterQueries, settled } }, null, 2),
  );
} finally {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  rmSync(home, { recursive: true, force: true });
}
