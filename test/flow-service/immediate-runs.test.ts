/**
 * Runs start when asked, not at the scheduler's next tick: a new flow whose first slot is due, AEP's
 * `POST /runs` on a flow scheduled once, and Tributary's `POST /flows/{id}/runs` on a scheduled flow.
 * The tick is set to ten minutes here, so a run that only the tick would start cannot start in time; on
 * PostgreSQL the jobs are taken by a second platform (what a `worker` process is), woken across
 * connections by the database's notifications.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPlatform, type Platform } from '../../src/platform.js';
import { startTestPlatform, type TestDatabase, type TestPlatform } from '../support/platform.js';
import { FLOW_SPEC, FS, HOUR_AGO_MS, PEOPLE_CSV, createConnection, createTarget, type Target } from '../support/flow-journey.js';
import { waitFor } from '../support/wait-for.js';

const LOCAL = '9c1d2e3f-4a5b-4c6d-8e7f-a0b1c2d3e4f5';
const TICK_MS = 600_000;
/** Far under the tick; generous for a loaded machine (a run is claimed within a second when idle). */
const STARTED_WITHIN_MS = 15_000;

describe.each(['pglite', 'postgres'] as TestDatabase[])('runs start at once on %s', (database) => {
  let t: TestPlatform;
  let worker: Platform | null = null;
  let folder: string;
  let sourceId: string;
  let target: Target;

  beforeAll(async () => {
    t = await startTestPlatform({ database, env: { TRIBUTARY_SCHEDULER_TICK_MS: String(TICK_MS) } });
    if (database === 'postgres') {
      // The serve side schedules and enqueues only; the worker, on its own connections, takes the jobs.
      worker = await createPlatform(t.platform.config);
      await worker.startBackground({ scheduler: false });
      await t.platform.scheduler.start();
    } else {
      await t.platform.startBackground();
    }
    folder = mkdtempSync(join(tmpdir(), 'tributary-immediate-'));
    writeFileSync(join(folder, 'people.csv'), PEOPLE_CSV);
    utimesSync(join(folder, 'people.csv'), HOUR_AGO_MS / 1000, HOUR_AGO_MS / 1000);
    const connectionId = await createConnection(t, LOCAL, 'Local Folder', { path: folder });
    const source = await t.call('POST', `${FS}/sourceConnections`, {
      name: 'people',
      baseConnectionId: connectionId,
      data: { format: 'delimited' },
      params: { path: '/people.csv' },
      connectionSpec: { id: LOCAL, version: '1.0' },
    });
    expect(source.statusCode, source.body).toBe(201);
    sourceId = source.json().id;
    target = await createTarget(t, { title: `immediate ${database}` });
  });
  afterAll(async () => {
    await worker?.close({ graceMs: 100 });
    await t?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  async function createFlow(scheduleParams: Record<string, unknown>): Promise<string> {
    const flow = await t.call('POST', `${FS}/flows`, {
      name: `flow ${JSON.stringify(scheduleParams)}`,
      flowSpec: { id: FLOW_SPEC, version: '1.0' },
      sourceConnectionIds: [sourceId],
      targetConnectionIds: [target.targetId],
      transformations: [{ name: 'Mapping', params: { mappingId: target.mappingId, mappingVersion: 0 } }],
      scheduleParams,
    });
    expect(flow.statusCode, flow.body).toBe(201);
    return flow.json().id;
  }

  async function runsOf(flowId: string): Promise<any[]> {
    return (await t.call('GET', `${FS}/runs?property=flowId==${flowId}`)).json().items;
  }

  /** Waits for the run to leave `pending` (taken by a worker), within STARTED_WITHIN_MS of `since`; then for it to end. */
  async function expectStartedSoon(runId: () => Promise<string | undefined>, since: number): Promise<any> {
    const started = await waitFor(
      async () => {
        const id = await runId();
        if (!id) return null;
        const run = (await t.call('GET', `${FS}/runs/${id}`)).json().items[0];
        return run.metrics.statusSummary.status !== 'pending' && run;
      },
      { timeoutMs: STARTED_WITHIN_MS - (Date.now() - since), what: 'the run to start' },
    );
    expect(['inProgress', 'success']).toContain(started.metrics.statusSummary.status);
    return waitFor(
      async () => {
        const run = (await t.call('GET', `${FS}/runs/${started.id}`)).json().items[0];
        return !['pending', 'inProgress'].includes(run.metrics.statusSummary.status) && run;
      },
      { timeoutMs: 120_000, what: 'the run to end' },
    );
  }

  it('starts the first run of a new flow whose first slot is due, without waiting for the tick', async () => {
    const since = Date.now();
    const flowId = await createFlow({ frequency: 'minute', interval: 15, startTime: Math.floor(since / 1000) - 60 });
    const done = await expectStartedSoon(async () => (await runsOf(flowId))[0]?.id, since);
    expect(done.metrics.statusSummary.status).toBe('success');
    expect(done.metrics.recordSummary.outputRecordCount).toBe(3);
  });

  it('starts a run asked for with POST /runs at once', async () => {
    // Scheduled once, a day from now: only the on-demand run can start it today.
    const flowId = await createFlow({ frequency: 'once', startTime: Math.floor(Date.now() / 1000) + 86_400 });
    const since = Date.now();
    const asked = await t.call('POST', `${FS}/runs`, { flowId });
    expect(asked.statusCode, asked.body).toBe(201);
    const done = await expectStartedSoon(async () => asked.json().id, since);
    expect(done.metrics.statusSummary.status).toBe('success');
    expect(await runsOf(flowId)).toHaveLength(1);
  });

  it('runs a scheduled flow now with POST /flows/{id}/runs, its window following the last run’s', async () => {
    // Every hour from a day from now: no slot falls during the test.
    const flowId = await createFlow({ frequency: 'hour', interval: 1, startTime: Math.floor(Date.now() / 1000) + 86_400 });
    // AEP's POST /runs keeps its meaning: on-demand runs only for flows scheduled once.
    expect((await t.call('POST', `${FS}/runs`, { flowId })).statusCode).toBe(400);
    const since = Date.now();
    const first = await t.call('POST', `${FS}/flows/${flowId}/runs`);
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json().etag).toMatch(/^".+"$/);
    const done = await expectStartedSoon(async () => first.json().id, since);
    expect(done.metrics.statusSummary.status).toBe('success');
    expect(done.flowId).toBe(flowId);
    expect(done.metrics.recordSummary.outputRecordCount).toBe(3);

    // Asked twice at once: one runs, the other waits pending for it (one run of a flow in progress at a time),
    // then runs; the file already landed, so neither takes it again.
    const [a, b] = await Promise.all([t.call('POST', `${FS}/flows/${flowId}/runs`), t.call('POST', `${FS}/flows/${flowId}/runs`)]);
    expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    const ended = await waitFor(
      async () => {
        const runs = await runsOf(flowId);
        return runs.length === 3 && runs.every((r) => !['pending', 'inProgress'].includes(r.metrics.statusSummary.status)) && runs;
      },
      { timeoutMs: 120_000, what: 'both runs to end' },
    );
    expect(ended.map((r: any) => r.metrics.statusSummary.status)).toEqual(['success', 'success', 'success']);
    expect(ended.slice(0, 2).map((r: any) => r.metrics.fileSummary.inputFileCount)).toEqual([0, 0]);
    // Each run's window starts where an earlier one's ended: nothing is covered twice.
    const windows: any[] = ended.map((r: any) => [r.windowStartTime, r.windowEndTime]).sort((x: any[], y: any[]) => x[1] - y[1]);
    expect(windows[0][0]).toBeUndefined();
    expect(windows[1][0]).toBe(windows[0][1]);
    expect(windows[2][0]).toBe(windows[1][1]);
  });

  it('answers 404 for a flow that is not there', async () => {
    const missing = await t.call('POST', `${FS}/flows/00000000-0000-4000-8000-000000000000/runs`);
    expect(missing.statusCode).toBe(404);
    expect((await t.call('POST', `${FS}/flows/not-a-uuid/runs`)).statusCode).toBe(404);
  });
});
