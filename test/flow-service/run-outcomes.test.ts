import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeWebHdfs, type FakeWebHdfs } from '../support/fake-webhdfs/fake-webhdfs.js';
import { startTestPlatform, type TestDatabase, type TestPlatform } from '../support/platform.js';
import { createConnection, createFlow, FS, HOUR_AGO_MS, landedRows, letRetryDelaysPass, runNow } from '../support/flow-journey.js';

const LOCAL = '9c1d2e3f-4a5b-4c6d-8e7f-a0b1c2d3e4f5';
const HDFS = '54e221aa-d342-4707-bcff-7a4bceef0001';

/** Binary garbage with every byte value, NUL and control characters included, in a file named `.csv`. */
const GARBAGE = Buffer.concat([Buffer.from([0, 1, 2, 0x1b, 0x7f, 0xff, 0xfe]), randomBytes(64 * 1024)]);

/** No control character, no undecodable byte, and short: what a file failure's message may hold. */
function expectNoRawBytes(message: string): void {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what must be absent
  expect(message).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffd]/);
  expect(message.length).toBeLessThanOrEqual(500);
}

async function retrigger(t: TestPlatform, runId: string): Promise<Record<string, any>> {
  const response = await t.call('POST', `${FS}/runs/${runId}/action?op=RE_TRIGGER`);
  expect(response.statusCode, response.body).toBe(200);
  const { id } = response.json();
  await t.platform.flowService.executor.execute(id);
  return (await t.call('GET', `${FS}/runs/${id}`)).json().items[0];
}

async function filesOf(t: TestPlatform, flowId: string): Promise<Record<string, any>> {
  const response = await t.call('GET', `${FS}/flows/${flowId}/files`);
  expect(response.statusCode, response.body).toBe(200);
  return Object.fromEntries(response.json().items.map((item: any) => [item.path, item]));
}

const status = (run: Record<string, any>) => run.metrics.statusSummary.status;
const errorCodes = (run: Record<string, any>) => (run.metrics.statusSummary.errors ?? []).map((e: { code: string }) => e.code);

describe.each(['pglite', 'postgres'] as TestDatabase[])('run outcomes on %s', (database) => {
  let t: TestPlatform;
  let folder: string;
  let hdfs: FakeWebHdfs;

  beforeAll(async () => {
    t = await startTestPlatform({ database });
    folder = mkdtempSync(join(tmpdir(), 'tributary-outcomes-'));
    hdfs = await startFakeWebHdfs();
  });
  afterAll(async () => {
    await t?.close();
    await hdfs?.stop();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  function write(dir: string, name: string, content: string | Buffer, mtimeMs = HOUR_AGO_MS): void {
    const file = join(folder, dir, name);
    writeFileSync(file, content);
    utimesSync(file, mtimeMs / 1000, mtimeMs / 1000);
  }

  async function localFlow(dir: string): Promise<{ flowId: string; dataSetId: string }> {
    rmSync(join(folder, dir), { recursive: true, force: true });
    mkdirSync(join(folder, dir));
    const connectionId = await createConnection(t, LOCAL, 'Local Folder', { path: join(folder, dir) });
    return createFlow(t, { connectionId, specId: LOCAL, path: '/*.csv', title: `outcomes ${dir} ${database}` });
  }

  it('ends partialSuccess when a file or rows fail, keeps a broken file out until it changes, and retakes it on RE_TRIGGER', async () => {
    const { flowId, dataSetId } = await localFlow('mixed');
    write('mixed', 'good.csv', 'id,first_name,email\ng1,Ada,ada@example.com\ng2,Bob,bob@example.com\n');
    write('mixed', 'rows.csv', 'id,first_name,email\nr1,Cy,cy@example.com\nr2,Dee,not an email\n');
    write('mixed', 'garbage.csv', GARBAGE);

    const first = await runNow(t, flowId);
    expect(status(first), JSON.stringify(first.metrics.statusSummary)).toBe('partialSuccess');
    expect(first.metrics.fileSummary).toMatchObject({ inputFileCount: 3, failedFileCount: 1 });
    expect(first.metrics.recordSummary).toMatchObject({ outputRecordCount: 3, failedRecordCount: 1 });
    expect(errorCodes(first)).toEqual(['FILE-5005']);
    const garbageError = first.metrics.statusSummary.errors.find((e: { code: string }) => e.code === 'FILE-5005');
    expect(garbageError.message).toMatch(/^\/garbage\.csv: /);
    expectNoRawBytes(garbageError.message);
    expect(await landedRows(t, dataSetId)).toEqual(['g1:Ada', 'g2:Bob', 'r1:Cy']);

    let files = await filesOf(t, flowId);
    expect(files['/good.csv']).toMatchObject({ decision: 'already_ingested', status: 'ingested' });
    expect(files['/garbage.csv']).toMatchObject({
      decision: 'failed_content',
      status: 'failed',
      failure: { reasonCode: 'FILE-5005', attempts: 1, retry: 'untilChanged', permanent: true, runId: first.id },
    });
    expectNoRawBytes(files['/garbage.csv'].failure.message);

    // The broken file is not taken again while it stays as it is.
    const second = await runNow(t, flowId);
    expect(status(second)).toBe('success');
    expect(second.metrics.fileSummary).toMatchObject({ inputFileCount: 0, skippedFileCount: 3 });

    // A re-trigger of the run that failed on it takes it again: alone, it fails, so nothing lands.
    const again = await retrigger(t, first.id);
    expect(again.metrics.fileSummary).toMatchObject({ inputFileCount: 1, failedFileCount: 1 });
    expect(status(again)).toBe('failed');
    expect(errorCodes(again)).toEqual(['FLOW-RUN-2002', 'FILE-5005']);
    files = await filesOf(t, flowId);
    expect(files['/garbage.csv'].failure).toMatchObject({ attempts: 2, runId: again.id, retry: 'untilChanged' });

    // Once the file changes, the next run takes it.
    write('mixed', 'garbage.csv', 'id,first_name,email\nf1,Fay,fay@example.com\n', HOUR_AGO_MS + 60_000);
    expect((await filesOf(t, flowId))['/garbage.csv']).toMatchObject({ decision: 'changed', status: null });
    const fixed = await runNow(t, flowId);
    expect(status(fixed)).toBe('success');
    expect(fixed.metrics.fileSummary).toMatchObject({ inputFileCount: 1, failedFileCount: 0 });
    expect(await landedRows(t, dataSetId)).toEqual(['f1:Fay', 'g1:Ada', 'g2:Bob', 'r1:Cy']);

    // A successful run is no re-trigger's business.
    const refused = await t.call('POST', `${FS}/runs/${fixed.id}/action?op=RE_TRIGGER`);
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('FLOW-1011');
  });

  it('ends failed when every file is broken, and lists why', async () => {
    const { flowId, dataSetId } = await localFlow('broken');
    write('broken', 'one.csv', GARBAGE);
    write('broken', 'two.csv', Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff]));
    const run = await runNow(t, flowId);
    expect(status(run)).toBe('failed');
    expect(run.metrics.fileSummary).toMatchObject({ inputFileCount: 2, failedFileCount: 2, outputFileCount: 0 });
    expect(errorCodes(run)[0]).toBe('FLOW-RUN-2002');
    for (const error of run.metrics.statusSummary.errors) expectNoRawBytes(error.message);
    const batch = (await t.call('GET', `/data/foundation/catalog/batches/${run.batchId}`)).json()[run.batchId];
    expect(batch.status).toBe('failed');
    expect(await landedRows(t, dataSetId)).toEqual([]);
    const files = await filesOf(t, flowId);
    expect(Object.values(files).map((f: any) => [f.path, f.decision, f.failure.reasonCode, f.failure.retry])).toEqual([
      ['/one.csv', 'failed_content', 'FILE-5005', 'untilChanged'],
      ['/two.csv', 'failed_content', 'FILE-5005', 'untilChanged'],
    ]);
    const next = await runNow(t, flowId);
    expect(status(next)).toBe('success');
    expect(next.metrics.fileSummary).toMatchObject({ inputFileCount: 0, skippedFileCount: 2 });
  });

  it('retries a file the storage refused, with a growing delay, until it lands', async () => {
    hdfs.fs.put(`/${database}/in/open.csv`, 'id,first_name,email\nh1,Hal,hal@example.com\n', HOUR_AGO_MS);
    hdfs.fs.put(`/${database}/in/locked.csv`, 'id,first_name,email\nh2,Ida,ida@example.com\n', HOUR_AGO_MS);
    hdfs.failRequests({ op: 'OPEN', path: `/${database}/in/locked.csv`, status: 403, exception: 'AccessControlException' });
    const connectionId = await createConnection(t, HDFS, 'Anonymous Authentication', { url: `${hdfs.url}/webhdfs/v1` });
    const { flowId, dataSetId } = await createFlow(t, { connectionId, specId: HDFS, path: `/${database}/in/*.csv`, title: `retried ${database}` });
    const locked = `/${database}/in/locked.csv`;
    const delayPasses = () => letRetryDelaysPass(t, flowId);

    const first = await runNow(t, flowId);
    expect(status(first), JSON.stringify(first.metrics.statusSummary)).toBe('partialSuccess');
    expect(errorCodes(first)).toEqual(['FILE-5011']);
    let file = (await filesOf(t, flowId))[locked];
    expect(file).toMatchObject({
      decision: 'retry_later',
      status: 'failed',
      failure: { reasonCode: 'FILE-5011', attempts: 1, retry: 'withBackoff', permanent: false },
    });
    const firstDelay = file.failure.nextAttemptAt - Date.now();
    expect(firstDelay).toBeGreaterThan(0);

    // Before its delay has passed, no run takes it.
    const waiting = await runNow(t, flowId);
    expect(waiting.metrics.fileSummary).toMatchObject({ inputFileCount: 0, skippedFileCount: 2 });

    // Due again, still refused: the next delay is longer.
    await delayPasses();
    expect((await filesOf(t, flowId))[locked].decision).toBe('retry');
    const refused = await runNow(t, flowId);
    expect(status(refused)).toBe('failed');
    file = (await filesOf(t, flowId))[locked];
    expect(file.failure.attempts).toBe(2);
    expect(file.failure.nextAttemptAt - Date.now()).toBeGreaterThan(firstDelay);

    // The storage lets it be read now: it lands once due.
    hdfs.clearFaults();
    await delayPasses();
    const landed = await runNow(t, flowId);
    expect(status(landed)).toBe('success');
    expect((await filesOf(t, flowId))[locked]).toMatchObject({ decision: 'already_ingested', status: 'ingested' });
    expect(await landedRows(t, dataSetId)).toEqual(['h1:Hal', 'h2:Ida']);
  });
});
