import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnection, createFlow, landedPeople, runNow } from '../support/flow-journey.js';
import { startTestPlatform, type TestDatabase, type TestPlatform } from '../support/platform.js';

const LOCAL = '9c1d2e3f-4a5b-4c6d-8e7f-a0b1c2d3e4f5';
const HOUR_AGO = (Date.now() - 3600_000) / 1000;
const MB = 1024 * 1024;

/**
 * Every input row of a flow run either lands or is a row error, and a file that cannot be split into rows is a
 * file error the run reports. Under the default record limit (8 MiB), a 3 MB field is an ordinary row; a
 * 9 MB line stands for the 200 MB single-line file that used to land nothing and report nothing.
 */
describe.each<TestDatabase>(['pglite', 'postgres'])('flow runs: long fields and files that cannot be split into rows (%s)', (database) => {
  let t: TestPlatform;
  let folder: string;
  let connectionId: string;

  const write = (name: string, content: string) => {
    writeFileSync(join(folder, name), content);
    utimesSync(join(folder, name), HOUR_AGO, HOUR_AGO);
  };

  beforeAll(async () => {
    t = await startTestPlatform({ database });
    folder = mkdtempSync(join(tmpdir(), 'tributary-unsplittable-'));
    connectionId = await createConnection(t, LOCAL, 'Local Folder', { path: folder });
  });
  afterAll(async () => {
    await t?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('lands a row with a 3 MB field and the valid row after it', async () => {
    write('long-field.csv', `id,first_name,email\np1,${'x'.repeat(3 * MB)},p1@example.com\np2,Bob,bob@example.com\n`);
    const { flowId, dataSetId } = await createFlow(t, { connectionId, specId: LOCAL, path: '/long-field.csv', title: `long field ${database}` });
    const run = await runNow(t, flowId);
    expect(run.metrics.statusSummary.status, JSON.stringify(run.errors)).toBe('success');
    expect(run.metrics.recordSummary).toMatchObject({ inputRecordCount: 2, outputRecordCount: 2, failedRecordCount: 0 });
    const landed = await landedPeople(t, dataSetId);
    expect(landed.map((r) => [r.id, r.name.length])).toEqual([
      ['p1', 3 * MB],
      ['p2', 3],
    ]);
  });

  it('reports a file whose single line is longer than the record limit as a file error, not as zero rows', async () => {
    write('one-line.csv', 'x'.repeat(9 * MB));
    write('fine.csv', 'id,first_name,email\np3,Cy,cy@example.com\n');
    const { flowId, dataSetId } = await createFlow(t, { connectionId, specId: LOCAL, path: '/*.csv', title: `one line ${database}` });
    const run = await runNow(t, flowId);
    // The readable files land; the unreadable one is counted and said why.
    const { fileSummary, recordSummary, statusSummary } = run.metrics;
    const fileError = statusSummary.errors.find((e: { message: string }) => e.message.startsWith('/one-line.csv'));
    expect(fileError, JSON.stringify(statusSummary.errors)).toMatchObject({
      code: 'FILE-5009',
      message: expect.stringMatching(/first line is longer than 8388608 bytes/),
    });
    // A file failed whole but the others landed: a partial success.
    expect(statusSummary.status).toBe('partialSuccess');
    expect(fileSummary).toMatchObject({ inputFileCount: 3, failedFileCount: 1 });
    expect(recordSummary).toMatchObject({ inputRecordCount: 3, outputRecordCount: 3, failedRecordCount: 0 });
    expect((await landedPeople(t, dataSetId)).map((r) => r.id)).toEqual(['p1', 'p2', 'p3']);
  });
});
