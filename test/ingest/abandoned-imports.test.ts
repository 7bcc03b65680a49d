import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest, previewFile } from '../../src/pipeline/index.js';
import { BatchIngestionService } from '../../src/services/ingest/index.js';
import type { Scope } from '../../src/services/scope.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { CATALOG, EXPORT, IMPORT, makeDataset, upload } from './support.js';

const line = (id: string) => `${JSON.stringify({ _id: id, person: { name: { firstName: id } } })}\n`;

/**
 * With several processes on one PostgreSQL, a worker may die while it processes an import batch. Its
 * batch must not stay `processing` until the job queue hands the job out again hours later: any
 * process's upkeep fails it once its heartbeat has stopped, and leaves alone batches whose job still
 * waits or has just been taken. No worker runs here: the tests play the dead one by hand.
 */
describe.each(['pglite', 'postgres'] as const)('Batch Ingestion: batches of a dead worker on %s', (database) => {
  let t: TestPlatform;
  let datasetId: string;
  let scope: Scope;
  const status = async (id: string) => (await t.call('GET', `${CATALOG}/batches/${id}`)).json()[id];
  /** A batch uploaded and COMPLETEd: `processing`, its job queued. */
  const completed = async (id: string) => {
    const batchId = (await t.call('POST', `${IMPORT}/batches`, { datasetId, inputFormat: { format: 'json' } })).json().id as string;
    await upload(t, 'PUT', `${IMPORT}/batches/${batchId}/datasets/${datasetId}/files/rows.json`, line(id));
    expect((await t.call('POST', `${IMPORT}/batches/${batchId}?action=COMPLETE`)).json().status).toBe('processing');
    return batchId;
  };
  /** Moves the batch's last sign of life (and, when given, its job's start) back in time. */
  const age = async (batchId: string, job?: { state: 'active'; startedSecondsAgo: number }) => {
    await t.platform.db.query(`update batches set updated_at = now() - interval '10 minutes' where id = $1`, [batchId]);
    if (job) {
      await t.platform.db.query(
        `update pgboss.job set state = 'active', started_on = now() - make_interval(secs => $2) where name = 'import-batches' and data->>'batchId' = $1`,
        [batchId, job.startedSecondsAgo],
      );
    }
  };

  beforeAll(async () => {
    t = await startTestPlatform({ database });
    ({ datasetId } = await makeDataset(t, 'Abandoned'));
    const sandboxId = (await t.platform.db.query<{ id: string }>('select id from sandboxes where org_id = $1', [t.credentials.imsOrg]))[0]!.id;
    scope = await t.platform.identity.systemScope(t.credentials.imsOrg, sandboxId);
  });
  afterAll(async () => t?.close());

  it('fails a batch whose worker went silent, and only that one', async () => {
    const waiting = await completed('W-1'); // its job still waits for a worker
    const justTaken = await completed('J-1'); // a worker took it a moment ago
    const dead = await completed('D-1'); // a worker took it long ago and has been silent since
    await age(waiting);
    await age(justTaken, { state: 'active', startedSecondsAgo: 1 });
    await age(dead, { state: 'active', startedSecondsAgo: 600 });

    expect(await t.platform.batchIngestion.failAbandonedImports()).toEqual([dead]);
    const failed = await status(dead);
    expect(failed).toMatchObject({ status: 'failed' });
    expect(JSON.stringify(failed.errors)).toMatch(/stopped responding; upload its files to a new batch/);
    expect((await t.call('GET', `${EXPORT}/batches/${dead}/files`)).json().data).toEqual([]);
    expect((await status(waiting)).status).toBe('processing');
    expect((await status(justTaken)).status).toBe('processing');

    // The job queue hands the dead worker's job out again later: the batch stays failed, nothing lands.
    await t.platform.batchIngestion.processImportBatch({ batchId: dead, scope });
    expect((await status(dead)).status).toBe('failed');
    // The others land when their workers get to them; a worker's heartbeat keeps its batch from looking abandoned.
    for (const batchId of [waiting, justTaken]) {
      await t.platform.batchIngestion.processImportBatch({ batchId, scope });
      expect(await status(batchId)).toMatchObject({ status: 'success', recordCount: 1 });
    }
    expect(await t.platform.batchIngestion.failAbandonedImports()).toEqual([]);
  });

  it('keeps a batch alive while its worker beats, however long it takes', async () => {
    const batchId = await completed('L-1');
    await age(batchId, { state: 'active', startedSecondsAgo: 600 });
    // A worker whose pipeline takes a while: it beats every 50 ms, and the upkeep runs meanwhile.
    let release!: () => void;
    const slow = new BatchIngestionService({
      db: t.platform.db,
      queue: t.platform.queue,
      catalog: t.platform.catalog,
      lake: t.platform.lake,
      targetSchema: (s, id) => t.platform.schemaRegistry.targetSchema(s, id),
      heartbeatMs: 50,
      pipeline: {
        ingest: async (request) => {
          await new Promise<void>((resolve) => (release = resolve));
          return ingest(request);
        },
        previewFile,
      },
    });
    const processing = slow.processImportBatch({ batchId, scope });
    await new Promise((r) => setTimeout(r, 400));
    const lastBeat = async () =>
      (
        await t.platform.db.query<{ ms: number }>(`select (extract(epoch from now() - updated_at) * 1000)::float8 as ms from batches where id = $1`, [
          batchId,
        ])
      )[0]!.ms;
    expect(await lastBeat()).toBeLessThan(200);
    expect(await slow.failAbandonedImports()).toEqual([]);
    release();
    await processing;
    expect(await status(batchId)).toMatchObject({ status: 'success', recordCount: 1 });
  });
});
