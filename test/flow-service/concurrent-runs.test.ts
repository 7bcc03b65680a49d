/**
 * Runs of one flow never overlap, and a file version lands in one batch only: on PostgreSQL, with three
 * processes taking jobs from the same queue, concurrent on-demand runs, a scheduled run beside manual
 * ones, and duplicated jobs of one run (a queue retry while the first attempt still runs) land each row once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPlatform, type Platform } from '../../src/platform.js';
import { RUN_QUEUE } from '../../src/services/flow-service/index.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { FLOW_SPEC, FS, HOUR_AGO_MS, batchesOf, createConnection, createTarget, landedPeople } from '../support/flow-journey.js';

const LOCAL = '9c1d2e3f-4a5b-4c6d-8e7f-a0b1c2d3e4f5';
const FILES = 4;
const ROWS_PER_FILE = 20_000;

describe('concurrent runs of one flow on PostgreSQL, three workers', () => {
  let t: TestPlatform;
  const workers: Platform[] = [];
  let folder: string;
  let connectionId: string;

  beforeAll(async () => {
    t = await startTestPlatform({ database: 'postgres' });
    // Two more processes' worth of workers on the same database and home.
    for (let i = 0; i < 2; i++) workers.push(await createPlatform(t.platform.config));
    await t.platform.startBackground();
    for (const worker of workers) await worker.startBackground({ scheduler: false });
    folder = mkdtempSync(join(tmpdir(), 'tributary-concurrent-'));
    connectionId = await createConnection(t, LOCAL, 'Local Folder', { path: folder });
  });
  afterAll(async () => {
    for (const worker of workers) await worker.close({ graceMs: 100 });
    await t?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  /** `FILES` CSVs of `ROWS_PER_FILE` people under `dir`, settled an hour ago. */
  function writeFiles(dir: string): void {
    mkdirSync(join(folder, dir), { recursive: true });
    for (let f = 0; f < FILES; f++) {
      const lines = ['id,first_name,email'];
      for (let i = 0; i < ROWS_PER_FILE; i++) lines.push(`${dir}-${f}-${i},N${i},n${i}@example.com`);
      const file = join(folder, dir, `part-${f}.csv`);
      writeFileSync(file, `${lines.join('\n')}\n`);
      utimesSync(file, HOUR_AGO_MS / 1000, HOUR_AGO_MS / 1000);
    }
  }

  /** A `once` flow over `/dir/*.csv`, started at `startTime` (epoch seconds). */
  async function onceFlow(dir: string, startTime: number): Promise<{ flowId: string; dataSetId: string }> {
    writeFiles(dir);
    const source = await t.call('POST', `${FS}/sourceConnections`, {
      name: `${dir} source`,
      baseConnectionId: connectionId,
      data: { format: 'delimited' },
      params: { path: `/${dir}/*.csv` },
      connectionSpec: { id: LOCAL, version: '1.0' },
    });
    expect(source.statusCode, source.body).toBe(201);
    const target = await createTarget(t, { title: `concurrent ${dir}` });
    const flow = await t.call('POST', `${FS}/flows`, {
      name: dir,
      flowSpec: { id: FLOW_SPEC, version: '1.0' },
      sourceConnectionIds: [source.json().id],
      targetConnectionIds: [target.targetId],
      transformations: [{ name: 'Mapping', params: { mappingId: target.mappingId, mappingVersion: 0 } }],
      scheduleParams: { frequency: 'once', startTime },
    });
    expect(flow.statusCode, flow.body).toBe(201);
    return { flowId: flow.json().id, dataSetId: target.dataSetId };
  }

  async function runsOf(flowId: string): Promise<any[]> {
    return (await t.call('GET', `${FS}/runs?property=flowId==${flowId}`)).json().items;
  }

  /** Waits until the flow has `count` runs and none of them is pending or in progress. */
  async function settled(flowId: string, count: number): Promise<any[]> {
    const deadline = Date.now() + 50_000;
    for (;;) {
      const runs = await runsOf(flowId);
      const open = runs.filter((r) => ['pending', 'inProgress'].includes(r.metrics.statusSummary.status));
      if (runs.length >= count && open.length === 0) return runs;
      if (Date.now() > deadline) throw new Error(`runs still open: ${JSON.stringify(runs.map((r) => r.metrics.statusSummary))}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Each row of the flow's files landed once, in committed batches, and no two of its runs were in progress at once. */
  async function expectLandedOnce(runs: any[], dataSetId: string): Promise<void> {
    expect(runs.map((r) => r.metrics.statusSummary)).toEqual(runs.map(() => ({ status: 'success' })));
    const landed = await landedPeople(t, dataSetId);
    expect(landed.length).toBe(FILES * ROWS_PER_FILE);
    expect(new Set(landed.map((r) => r.id)).size).toBe(FILES * ROWS_PER_FILE);
    const recorded = runs.reduce((sum, r) => sum + r.metrics.recordSummary.outputRecordCount, 0);
    expect(recorded).toBe(FILES * ROWS_PER_FILE);
    const committed = (await batchesOf(t, dataSetId)).filter((b) => b.status === 'success');
    expect(committed.reduce((sum, b) => sum + (b.recordCount ?? 0), 0)).toBe(FILES * ROWS_PER_FILE);
    const spans = runs
      .map((r) => [r.metrics.durationSummary.startedAtUTC as number, r.metrics.durationSummary.completedAtUTC as number])
      .sort((a, b) => a[0]! - b[0]!);
    for (let i = 1; i < spans.length; i++) expect(spans[i]![0]).toBeGreaterThanOrEqual(spans[i - 1]![1]!);
  }

  it('three on-demand runs at once: they take turns, and each row lands exactly once', async () => {
    const { flowId, dataSetId } = await onceFlow('three', Math.floor(Date.now() / 1000) + 86_400);
    const created = await Promise.all([1, 2, 3].map(() => t.call('POST', `${FS}/runs`, { flowId })));
    for (const response of created) expect(response.statusCode, response.body).toBe(201);
    const runs = await settled(flowId, 3);
    expect(runs).toHaveLength(3);
    await expectLandedOnce(runs, dataSetId);
  }, 60_000);

  it('a scheduled run beside an on-demand one whose job is duplicated (a queue retry while it runs) lands each row once', async () => {
    // Due now: the serve process's scheduler starts it within a tick.
    const { flowId, dataSetId } = await onceFlow('mixed', Math.floor(Date.now() / 1000) - 1);
    const deadline = Date.now() + 10_000;
    while ((await runsOf(flowId)).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const manual = await t.call('POST', `${FS}/runs`, { flowId });
    expect(manual.statusCode, manual.body).toBe(201);
    const runId = manual.json().id as string;
    // Two more jobs of the same run, as a retry after an expiry would give: any worker may take them.
    await t.platform.queue.enqueue(RUN_QUEUE, { runId });
    await t.platform.queue.enqueue(RUN_QUEUE, { runId });
    const runs = await settled(flowId, 2);
    expect(runs).toHaveLength(2);
    await expectLandedOnce(runs, dataSetId);
  }, 60_000);

  it('with the one-run-at-a-time rule bypassed, the batch that loses the claim on a file version rolls back', async () => {
    const { flowId, dataSetId } = await onceFlow('race', Math.floor(Date.now() / 1000) + 86_400);
    // Two runs in progress at once, as an attempt that outlived its claim would give.
    await t.platform.db.query('drop index if exists flow_runs_one_in_progress');
    try {
      const ids = await Promise.all([1, 2].map(async () => (await t.call('POST', `${FS}/runs`, { flowId })).json().id as string));
      await Promise.all([t.platform.flowService.executor.execute(ids[0]!), workers[0]!.flowService.executor.execute(ids[1]!)]);
      const runs = await settled(flowId, 2);
      const landed = await landedPeople(t, dataSetId);
      expect(landed.length).toBe(FILES * ROWS_PER_FILE);
      expect(new Set(landed.map((r) => r.id)).size).toBe(FILES * ROWS_PER_FILE);
      const outcomes = runs.map((r) => r.metrics.statusSummary.status).sort();
      expect(outcomes).toEqual(['failed', 'success']);
      const loser = runs.find((r) => r.metrics.statusSummary.status === 'failed');
      expect(JSON.stringify(loser.metrics.statusSummary.errors)).toMatch(/FLOW-RUN-3003/);
      const batches = await batchesOf(t, dataSetId);
      expect(batches.find((b) => b.id === loser.batchId)?.status).toBe('failed');
      expect((await t.call('GET', `/data/foundation/export/batches/${loser.batchId}/files`)).json().data).toEqual([]);
    } finally {
      await t.platform.db.query(`create unique index if not exists flow_runs_one_in_progress on flow_runs (flow_id) where status = 'inProgress'`);
    }
  }, 60_000);
});
