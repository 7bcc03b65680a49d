import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestPlatform, type TestDatabase, type TestPlatform } from '../support/platform.js';
import { createConnection, createFlow, FS, landedPeople, runNow } from '../support/flow-journey.js';

const LOCAL = '9c1d2e3f-4a5b-4c6d-8e7f-a0b1c2d3e4f5';
const HOUR_AGO = (Date.now() - 3600_000) / 1000;

function writeCsv(dir: string, name: string, rows: Array<[string, string, string]>, mtimeSeconds: number = HOUR_AGO): void {
  const file = join(dir, name);
  writeFileSync(file, ['id,first_name,email', ...rows.map((r) => r.join(','))].join('\n'));
  utimesSync(file, mtimeSeconds, mtimeSeconds);
}

describe.each(['pglite', 'postgres'] as TestDatabase[])('incremental flow runs on %s', (database) => {
  let t: TestPlatform;
  let folder: string;
  let flowId: string;
  let dataSetId: string;

  beforeAll(async () => {
    // Files modified within the last 10 minutes are still being written.
    t = await startTestPlatform({ database, env: { TRIBUTARY_SETTLE_SECONDS: '600' } });
    folder = mkdtempSync(join(tmpdir(), 'tributary-incremental-'));
    const connectionId = await createConnection(t, LOCAL, 'Local Folder', { path: folder });
    ({ flowId, dataSetId } = await createFlow(t, { connectionId, specId: LOCAL, path: '/*.csv', title: 'people' }));
  });

  afterAll(async () => {
    await t?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  const nextRun = () => runNow(t, flowId);
  const landed = () => landedPeople(t, dataSetId);

  it('takes each file once, takes a changed file again, and waits for a file still being written', async () => {
    // Run 1: a.csv is settled, b.csv was just written.
    writeCsv(folder, 'a.csv', [['a1', 'Ada', 'ada@example.com']]);
    writeCsv(folder, 'b.csv', [['b1', 'Bob', 'bob@example.com']], Date.now() / 1000);
    const run1 = await nextRun();
    expect(run1.metrics.statusSummary.status, JSON.stringify(run1)).toBe('success');
    expect(run1.metrics.fileSummary).toMatchObject({ inputFileCount: 1, skippedFileCount: 1 });
    expect(await landed()).toEqual([{ id: 'a1', name: 'Ada' }]);
    const decisions = (await t.call('GET', `${FS}/flows/${flowId}/files`)).json().items;
    expect(decisions.map((d: any) => [d.path, d.decision])).toEqual([
      ['/a.csv', 'already_ingested'],
      ['/b.csv', 'settling'],
    ]);
    expect(decisions[0].ingestedVersions).toEqual([expect.objectContaining({ status: 'ingested', runId: run1.id })]);

    // Run 2: b.csv has settled, c.csv is new, a.csv changed.
    writeCsv(folder, 'b.csv', [['b1', 'Bob', 'bob@example.com']]);
    writeCsv(folder, 'c.csv', [['c1', 'Cy', 'cy@example.com']]);
    writeCsv(
      folder,
      'a.csv',
      [
        ['a1', 'Ada', 'ada@example.com'],
        ['a2', 'Alan', 'alan@example.com'],
      ],
      HOUR_AGO + 60,
    );
    const run2 = await nextRun();
    expect(run2.metrics.statusSummary.status).toBe('success');
    expect(run2.metrics.fileSummary).toMatchObject({ inputFileCount: 3, skippedFileCount: 0 });
    expect(run2.metrics.recordSummary).toMatchObject({ inputRecordCount: 4, outputRecordCount: 4, failedRecordCount: 0 });

    // Run 3: nothing new, nothing taken, no new batch.
    const run3 = await nextRun();
    expect(run3.metrics.statusSummary.status).toBe('success');
    expect(run3.metrics.fileSummary).toMatchObject({ inputFileCount: 0, skippedFileCount: 3 });
    expect(run3.batchId).toBeUndefined();

    // The changed a.csv landed as a new version; nothing else twice, nothing missed.
    expect(await landed()).toEqual([
      { id: 'a1', name: 'Ada' },
      { id: 'a1', name: 'Ada' },
      { id: 'a2', name: 'Alan' },
      { id: 'b1', name: 'Bob' },
      { id: 'c1', name: 'Cy' },
    ]);
    const batches = (await t.call('GET', `/data/foundation/catalog/batches?dataSet=${dataSetId}`)).json();
    expect(
      Object.values(batches)
        .map((b: any) => b.status)
        .sort(),
    ).toEqual(['success', 'success']);
  });
});
