/**
 * Kill and restart on PostgreSQL: two `tributary worker` processes run concurrent runs of two flows; one is
 * SIGKILLed midway. The serve process (here, the test's scheduler) fails the dead worker's run as abandoned,
 * ends its queue job and sweeps its scratch folder under the home; a restarted worker and the runs that follow
 * land every file of both flows exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { TEST_LOCAL_ROOTS, launch, type Launched } from '../support/launch.js';
import { FLOW_SPEC, FS, HOUR_AGO_MS, createConnection, createTarget, landedPeople } from '../support/flow-journey.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'tributary.js');
const LOCAL = '9c1d2e3f-4a5b-4c6d-8e7f-a0b1c2d3e4f5';
const HEARTBEAT_MS = '300';
const FILES = 3;
const ROWS_PER_FILE = 200_000;

describe('two worker processes, one killed midway', () => {
  let t: TestPlatform;
  let folder: string;
  let db: pg.Client;
  const workers: Array<Launched<true>> = [];

  const startWorker = () =>
    launch(process.execPath, [BIN, 'worker'], {
      what: 'a worker',
      env: {
        ...process.env,
        TRIBUTARY_HOME: t.home,
        DATABASE_URL: t.platform.config.databaseUrl!,
        TRIBUTARY_RUN_HEARTBEAT_MS: HEARTBEAT_MS,
        // The same roots as the test's platform: the flows read folders under the temp dir.
        TRIBUTARY_LOCAL_ROOTS: TEST_LOCAL_ROOTS,
        LOG_LEVEL: 'info',
      },
      ready: (line) => (/worker started/.test(line) ? true : undefined),
      timeoutMs: 60_000,
    });

  beforeAll(async () => {
    t = await startTestPlatform({ database: 'postgres', env: { TRIBUTARY_RUN_HEARTBEAT_MS: HEARTBEAT_MS } });
    // This process is the serve side only: its scheduler fails abandoned runs; the workers are child processes.
    await t.platform.scheduler.start();
    folder = mkdtempSync(join(tmpdir(), 'tributary-kill-'));
    db = new pg.Client({ connectionString: t.platform.config.databaseUrl! });
    await db.connect();
  }, 60_000);
  afterAll(async () => {
    for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
    await db?.end();
    await t?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  /**
   * A `once` flow over `FILES` CSVs; replacestr has no SQL twin, so every row takes the JavaScript path and a
   * run lasts long enough to be killed in the middle.
   */
  async function flowOver(dir: string, connectionId: string): Promise<{ flowId: string; dataSetId: string }> {
    mkdirSync(join(folder, dir));
    for (let f = 0; f < FILES; f++) {
      const lines = ['id,first_name,email'];
      for (let i = 0; i < ROWS_PER_FILE; i++) lines.push(`${dir}-${f}-${i},First${i},n${i}@example.com`);
      const file = join(folder, dir, `part-${f}.csv`);
      writeFileSync(file, `${lines.join('\n')}\n`);
      utimesSync(file, HOUR_AGO_MS / 1000, HOUR_AGO_MS / 1000);
    }
    const source = await t.call('POST', `${FS}/sourceConnections`, {
      name: dir,
      baseConnectionId: connectionId,
      data: { format: 'delimited' },
      params: { path: `/${dir}/*.csv` },
      connectionSpec: { id: LOCAL, version: '1.0' },
    });
    expect(source.statusCode, source.body).toBe(201);
    const target = await createTarget(t, { title: `kill ${dir}` });
    const mapping = await t.call('POST', '/data/foundation/conversion/mappingSets', {
      xdmSchema: target.schemaId,
      mappings: [
        { sourceType: 'ATTRIBUTE', source: 'id', destination: '_id' },
        { sourceType: 'EXPRESSION', source: 'replacestr(first_name, "First", "F")', destination: 'person.name.firstName' },
        { sourceType: 'ATTRIBUTE', source: 'email', destination: 'personalEmail.address' },
      ],
    });
    expect([200, 201], mapping.body).toContain(mapping.statusCode);
    const flow = await t.call('POST', `${FS}/flows`, {
      name: dir,
      flowSpec: { id: FLOW_SPEC, version: '1.0' },
      sourceConnectionIds: [source.json().id],
      targetConnectionIds: [target.targetId],
      transformations: [{ name: 'Mapping', params: { mappingId: mapping.json().id, mappingVersion: 0 } }],
      scheduleParams: { frequency: 'once', startTime: Math.floor(Date.now() / 1000) + 86_400 },
    });
    expect(flow.statusCode, flow.body).toBe(201);
    return { flowId: flow.json().id, dataSetId: target.dataSetId };
  }

  const runs = async (flowId: string): Promise<any[]> => (await t.call('GET', `${FS}/runs?property=flowId==${flowId}`)).json().items;
  const status = (run: any): string => run.metrics.statusSummary.status;

  async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 45_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) {
        const states = (await db.query('select status, batch_id, errors from flow_runs')).rows;
        throw new Error(`timed out waiting for ${what}: ${JSON.stringify(states)} ${workers.map((w) => w.output().slice(-400)).join(' | ')}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('fails the dead worker’s run with its job and scratch, and lands every file exactly once', async () => {
    const connectionId = await createConnection(t, LOCAL, 'Local Folder', { path: folder });
    const flows = [await flowOver('a', connectionId), await flowOver('b', connectionId)];
    workers.push(await startWorker(), await startWorker());
    // Two on-demand runs of each flow at once.
    for (const { flowId } of flows) {
      for (let i = 0; i < 2; i++) expect((await t.call('POST', `${FS}/runs`, { flowId })).statusCode).toBe(201);
    }

    // Both workers are midway: one run of each flow in progress, its batch open, its scratch under the home.
    const busy = await until('both workers to be midway', async () => {
      const rows = (await db.query(`select id from flow_runs where status = 'inProgress' and batch_id is not null`)).rows;
      return rows.length === 2 ? rows.map((r) => r.id as string) : undefined;
    });
    const scratch = join(t.home, 'scratch', 'runs');
    await until('the runs’ scratch folders', async () => (busy.every((id) => existsSync(join(scratch, id))) ? true : undefined));

    workers[0]!.child.kill('SIGKILL');
    await workers[0]!.exited;

    // The serve side notices the silent run: failed as abandoned, its job ended, its scratch swept.
    const dead = await until('the abandoned run to fail', async () => {
      const rows = (await db.query(`select id from flow_runs where errors::text like '%FLOW-RUN-1004%'`)).rows;
      return rows[0]?.id as string | undefined;
    });
    expect(busy).toContain(dead);
    // Its job is completed just after the run is failed (two statements, not one transaction): waited for, not raced.
    await until('the dead run’s job to end', async () => {
      const activeJobs = await db.query(
        `select count(*)::int as n from pgboss.job where name = 'flow-runs' and state = 'active' and data->>'runId' = $1`,
        [dead],
      );
      return activeJobs.rows[0].n === 0 ? true : undefined;
    });
    await until('the dead run’s scratch to be swept', async () => (existsSync(join(scratch, dead)) ? undefined : true), 10_000);

    // A restarted worker; the dead run is re-triggered, and every run of both flows settles.
    workers.push(await startWorker());
    const retried = await t.call('POST', `${FS}/runs/${dead}/action?op=RE_TRIGGER`);
    expect(retried.statusCode, retried.body).toBe(200);
    for (const { flowId } of flows) {
      await until(`the runs of flow ${flowId} to settle`, async () => {
        const all = await runs(flowId);
        return all.every((r) => !['pending', 'inProgress'].includes(status(r))) ? all : undefined;
      });
    }

    for (const { flowId, dataSetId } of flows) {
      const landed = await landedPeople(t, dataSetId);
      expect(landed.length).toBe(FILES * ROWS_PER_FILE);
      expect(new Set(landed.map((r) => r.id)).size).toBe(FILES * ROWS_PER_FILE);
      const decisions = (await t.call('GET', `${FS}/flows/${flowId}/files`)).json().items;
      expect(decisions.map((d: { decision: string }) => d.decision)).toEqual(Array(FILES).fill('already_ingested'));
    }
    // Nothing a run left behind in the scratch folder.
    expect(readdirSync(scratch)).toEqual([]);
  }, 120_000);
});
