/**
 * Graceful shutdown on PostgreSQL: a process asked to stop while a run is in progress hands the run back
 * (pending again, its half-written batch failed, a fresh job queued), and a `tributary worker` process
 * started afterwards takes the job and finishes the run; SIGTERM stops that worker with exit code 0.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { TEST_LOCAL_ROOTS } from '../support/launch.js';
import { fillSandbox, type Call } from './fill-sandbox.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'tributary.js');
const ROWS = 400_000;
/**
 * The run must still be going when the process is asked to stop, whatever the speed of the machine or
 * of the compiled plan: replacestr has no SQL twin, so every row takes the JavaScript path (~80k rows/s,
 * several seconds here), while the stop comes within a tick of the run opening its batch.
 */
const MAPPINGS = [
  { sourceType: 'ATTRIBUTE', source: 'id', destination: '_id' },
  { sourceType: 'EXPRESSION', source: 'replacestr(first_name, "First", "F")', destination: 'person.name.firstName' },
  { sourceType: 'ATTRIBUTE', source: 'last_name', destination: 'person.name.lastName' },
  { sourceType: 'ATTRIBUTE', source: 'email', destination: 'personalEmail.address' },
];

function bigCsv(): string {
  const lines = ['id,first_name,last_name,email'];
  for (let i = 0; i < ROWS; i += 1) lines.push(`p-${i},First${i},Last${i},person${i}@example.com`);
  return lines.join('\n');
}

describe('graceful shutdown and a separate worker', () => {
  let t: TestPlatform;
  let folder: string;
  let db: pg.Client;
  let worker: ChildProcess | null = null;

  beforeAll(async () => {
    t = await startTestPlatform({ database: 'postgres' });
    folder = mkdtempSync(join(tmpdir(), 'tributary-shutdown-'));
    db = new pg.Client({ connectionString: t.platform.config.databaseUrl! });
    await db.connect();
  });
  afterAll(async () => {
    if (worker && worker.exitCode === null) worker.kill('SIGKILL');
    await db?.end();
    // The platform was closed by the test; only the app and the database remain.
    await t?.app.close();
    await t?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  const runRow = async (flowId: string) =>
    (await db.query('select id, status, batch_id, metrics from flow_runs where flow_id = $1', [flowId])).rows[0];

  it('hands back a run in progress, and a worker process finishes it', async () => {
    await t.platform.startBackground();
    const call: Call = async (method, url, body) => {
      const response = await t.call(method as never, url, body);
      return { status: response.statusCode, json: response.body ? response.json() : undefined };
    };
    const filled = await fillSandbox(call, folder, { rows: bigCsv(), mappings: MAPPINGS });

    // Wait until the run is reading its file, then stop the process with almost no grace.
    const deadline = Date.now() + 60_000;
    let row = await runRow(filled.flowId);
    while (!(row?.status === 'inProgress' && row.batch_id) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      row = await runRow(filled.flowId);
    }
    expect(row.status).toBe('inProgress');
    const firstBatch = row.batch_id as string;
    await t.platform.close({ graceMs: 50 });

    row = await runRow(filled.flowId);
    expect(row).toMatchObject({ status: 'pending', batch_id: null });
    const batch = (await db.query('select status from batches where id = $1', [firstBatch])).rows[0];
    expect(batch.status).toBe('failed');
    const queued = await db.query(
      `select count(*)::int as n from pgboss.job where name = 'flow-runs' and state in ('created', 'retry') and data->>'runId' = $1`,
      [row.id],
    );
    expect(queued.rows[0].n).toBe(1);

    // A worker process (no API, no scheduler) takes the job and finishes the run.
    let output = '';
    worker = spawn(process.execPath, [BIN, 'worker'], {
      env: {
        ...process.env,
        TRIBUTARY_HOME: t.home,
        DATABASE_URL: t.platform.config.databaseUrl!,
        LOG_LEVEL: 'info',
        TRIBUTARY_LOCAL_ROOTS: TEST_LOCAL_ROOTS,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    worker.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    worker.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => worker!.once('exit', (code) => resolve(code)));
    const until = Date.now() + 120_000;
    while (!['success', 'failed'].includes(row.status) && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      row = await runRow(filled.flowId);
    }
    expect({ status: row.status, output: row.status === 'success' ? '' : output }).toEqual({ status: 'success', output: '' });
    expect(row.metrics.recordSummary).toMatchObject({ inputRecordCount: ROWS, outputRecordCount: ROWS, failedRecordCount: 0 });
    expect(row.batch_id).not.toBe(firstBatch);
    expect(output).toMatch(/worker started/);
    // Every line the worker printed is JSON.
    for (const line of output.split('\n').filter(Boolean)) expect(() => JSON.parse(line)).not.toThrow();

    worker.kill('SIGTERM');
    expect(await exited).toBe(0);
  }, 240_000);
});
