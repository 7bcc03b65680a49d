import { connect } from 'node:net';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Scope } from '../../src/services/scope.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { CATALOG, EXPORT, IMPORT, count, makeDataset, upload, waitForBatch } from './support.js';

const line = (id: string) => `${JSON.stringify({ _id: id, person: { name: { firstName: id } } })}\n`;

/** Sends a request over a raw socket and hangs up after `sent` bytes of a body announced as `length` bytes. */
async function cutShort(port: number, path: string, headers: Record<string, string>, body: Buffer, sent: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      const head = [
        `PATCH ${path} HTTP/1.1`,
        'Host: 127.0.0.1',
        `Content-Length: ${body.length}`,
        ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
        '',
        '',
      ].join('\r\n');
      socket.write(head);
      socket.write(body.subarray(0, sent), () => setTimeout(() => socket.destroy(), 100));
    });
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
  // Let the server notice the aborted body and finish its handler.
  await new Promise((r) => setTimeout(r, 300));
}

describe('Batch Ingestion: hostile input, interrupted uploads and crashes', () => {
  let t: TestPlatform;
  let datasetId: string;
  let scope: Scope;
  let port: number;
  const files = (batchId: string, name: string) => `${IMPORT}/batches/${batchId}/datasets/${datasetId}/files/${name}`;
  const newBatch = async () => (await t.call('POST', `${IMPORT}/batches`, { datasetId, inputFormat: { format: 'json' } })).json().id as string;
  // No worker runs in this file (until the last test): each test plays the IMPORT_QUEUE job itself, when it chooses.
  const process = (batchId: string) => t.platform.batchIngestion.processImportBatch({ batchId, scope });
  const status = async (id: string) => (await t.call('GET', `${CATALOG}/batches/${id}`)).json()[id].status;

  beforeAll(async () => {
    t = await startTestPlatform();
    ({ datasetId } = await makeDataset(t, 'Hostile'));
    const sandboxId = (await t.platform.db.query<{ id: string }>('select id from sandboxes where org_id = $1', [t.credentials.imsOrg]))[0]!.id;
    scope = await t.platform.identity.systemScope(t.credentials.imsOrg, sandboxId);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as { port: number }).port;
  });
  afterAll(async () => t?.close());

  it('refuses file paths that try to leave the batch', async () => {
    const batchId = await newBatch();
    for (const name of ['..%2F..%2Fetc%2Fpasswd', 'a/../../b', '.hidden', 'a/.git/config', 'a%5Cb', 'a//b', '%2Fetc%2Fpasswd', 'x%00y']) {
      const res = await upload(t, 'PUT', files(batchId, name), line('x'));
      expect([400, 404], `${name}: ${res.body}`).toContain(res.statusCode);
    }
    const head = await t.app.inject({ method: 'HEAD', url: files(batchId, '..%2Fx'), headers: t.headers });
    expect(head.statusCode).toBe(400);
    // Nothing was written anywhere near the lake's data.
    const lake = t.platform.config.lakeDir;
    expect(existsSync(lake) ? readdirSync(lake).filter((e) => e !== '_staging') : []).toEqual([]);
  });

  it('answers 415 to file bodies that are not application/octet-stream', async () => {
    const batchId = await newBatch();
    const asJson = await t.call('PUT', files(batchId, 'a.json'), { _id: 'x' });
    expect(asJson.statusCode).toBe(415);
    const asText = await t.app.inject({
      method: 'PUT',
      url: files(batchId, 'a.json'),
      payload: 'x',
      headers: { ...t.headers, 'content-type': 'text/plain' },
    });
    expect(asText.statusCode).toBe(415);
    const asXml = await t.app.inject({
      method: 'PATCH',
      url: files(batchId, 'a.json'),
      payload: '<x/>',
      headers: { ...t.headers, 'content-type': 'application/xml', 'content-range': 'bytes 0-3' },
    });
    expect(asXml.statusCode).toBe(415);
  });

  it('bounds bodies: an oversized PUT is refused with 413 and leaves nothing; a chunk longer than its range is refused', async () => {
    const limits = t.platform.batchIngestion.limits;
    const saved = { ...limits };
    limits.maxFileBytes = 1000;
    limits.maxChunkBytes = 1000;
    try {
      const batchId = await newBatch();
      const big = await upload(t, 'PUT', files(batchId, 'big.json'), Buffer.alloc(5000, 'x'));
      expect(big.statusCode).toBe(413);
      const head = await t.app.inject({ method: 'HEAD', url: files(batchId, 'big.json'), headers: t.headers });
      expect(head.statusCode).toBe(404);
      const area = join(t.platform.config.lakeDir, '_staging', `${batchId}-uploads`);
      expect(readdirSync(area)).toEqual([]);

      expect((await t.call('POST', `${files(batchId, 'large.json')}?action=INITIALIZE`)).statusCode).toBe(201);
      const tooLong = await upload(t, 'PATCH', files(batchId, 'large.json'), Buffer.alloc(20, 'x'), { 'content-range': 'bytes 0-9' });
      expect(tooLong.statusCode).toBe(400);
      const hugeChunk = await upload(t, 'PATCH', files(batchId, 'large.json'), 'x', { 'content-range': 'bytes 0-4999' });
      expect(hugeChunk.statusCode).toBe(413);
      const noRange = await upload(t, 'PATCH', files(batchId, 'large.json'), 'x');
      expect(noRange.statusCode).toBe(400);
      const past = await upload(t, 'PATCH', files(batchId, 'large.json'), 'x', { 'content-range': `bytes 0-0/${2 * 512_000_000}` });
      expect(past.statusCode).toBe(413);
    } finally {
      Object.assign(limits, saved);
    }
  });

  it('a large-file upload cut off midway leaves nothing visible, and the same chunk can be sent again', async () => {
    const batchId = await newBatch();
    const url = files(batchId, 'large.json');
    expect((await t.call('POST', `${url}?action=INITIALIZE`)).statusCode).toBe(201);
    const body = Buffer.from(Array.from({ length: 40 }, (_, i) => line(`L-${i}`)).join(''));
    const half = 700;
    const first = body.subarray(0, half);
    const second = body.subarray(half);
    expect((await upload(t, 'PATCH', url, first, { 'content-range': `bytes 0-${half - 1}/${body.length}` })).statusCode).toBe(200);

    // The client dies while sending the second chunk: only the first chunk counts as received.
    await cutShort(
      port,
      url,
      { ...t.headers, 'content-type': 'application/octet-stream', 'content-range': `bytes ${half}-${body.length - 1}/${body.length}` },
      second,
      100,
    );
    const head = await t.app.inject({ method: 'HEAD', url, headers: t.headers });
    expect(head.headers.range).toBe(`bytes=0-${half - 1}`);
    expect(head.headers['x-tributary-file-complete']).toBe('false');
    // With the size announced, the file cannot be completed short, nor can the batch.
    expect((await t.call('POST', `${url}?action=COMPLETE`)).statusCode).toBe(400);
    expect((await t.call('POST', `${IMPORT}/batches/${batchId}?action=COMPLETE`)).statusCode).toBe(400);
    expect(await status(batchId)).toBe('loading');
    expect((await t.call('GET', `${EXPORT}/batches/${batchId}/files`)).json().data).toEqual([]);
    expect(await count(t, 'hostile')).toBe(0);

    // Retry the chunk: the file completes, and so does the batch, whole.
    expect((await upload(t, 'PATCH', url, second, { 'content-range': `bytes ${half}-${body.length - 1}/${body.length}` })).statusCode).toBe(200);
    expect((await t.call('POST', `${url}?action=COMPLETE`)).json()).toEqual({ name: 'large.json', sizeInBytes: body.length });
    const done = await t.call('POST', `${IMPORT}/batches/${batchId}?action=COMPLETE`);
    expect(done.json()).toMatchObject({ status: 'processing' });
    await process(batchId);
    expect(await status(batchId)).toBe('success');
    expect((await t.call('GET', `${CATALOG}/batches/${batchId}`)).json()[batchId]).toMatchObject({ recordCount: 40, failedRecordCount: 0 });
    expect(await count(t, 'hostile')).toBe(40);
  });

  it('a process killed between staging and commit leaves nothing visible; recovery fails the batch and a retry lands', async () => {
    // A batch still taking uploads is not abandoned work: recovery leaves it alone.
    const waiting = await newBatch();
    await upload(t, 'PUT', files(waiting, 'w.json'), line('W-1'));

    const batchId = await newBatch();
    expect((await upload(t, 'PUT', files(batchId, 'crash.json'), line('C-1') + line('C-2'))).statusCode).toBe(201);
    // What COMPLETE does up to the commit — then the process dies.
    const { staging } = await t.platform.catalog.startImportBatch(scope, batchId);
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    await connection.run(`COPY (SELECT 'C-1' AS _id) TO '${join(staging.dir, 'part-00000.parquet')}' (FORMAT parquet)`);
    connection.closeSync();
    instance.closeSync();
    expect(await status(batchId)).toBe('processing');
    expect((await t.call('GET', `${EXPORT}/batches/${batchId}/files`)).json().data).toEqual([]);
    const before = await count(t, 'hostile');

    // The next start recovers.
    const recovered = await t.platform.catalog.recoverStaleBatches();
    expect(recovered).toEqual([batchId]);
    expect(await status(batchId)).toBe('failed');
    expect(await status(waiting)).toBe('loading');
    expect(existsSync(staging.dir)).toBe(false);
    expect(existsSync(join(t.platform.config.lakeDir, '_staging', `${batchId}-uploads`))).toBe(false);
    expect(await count(t, 'hostile')).toBe(before);
    expect((await t.call('POST', `${IMPORT}/batches/${batchId}?action=COMPLETE`)).statusCode).toBe(409);

    // The client retries with a new batch.
    const retry = await newBatch();
    await upload(t, 'PUT', files(retry, 'crash.json'), line('C-1') + line('C-2'));
    expect((await t.call('POST', `${IMPORT}/batches/${retry}?action=COMPLETE`)).json().status).toBe('processing');
    await process(retry);
    expect(await status(retry)).toBe('success');
    expect(await count(t, 'hostile')).toBe(before + 2);
    // The waiting batch still completes after the recovery.
    expect((await t.call('POST', `${IMPORT}/batches/${waiting}?action=COMPLETE`)).json().status).toBe('processing');
    await process(waiting);
    expect(await status(waiting)).toBe('success');
  });

  it('keeps batches to their dataset, org and sandbox', async () => {
    const batchId = await newBatch();
    const { datasetId: otherDataset } = await makeDataset(t, 'Other');
    expect((await upload(t, 'PUT', `${IMPORT}/batches/${batchId}/datasets/${otherDataset}/files/a.json`, line('x'))).statusCode).toBe(404);
    expect((await t.call('POST', `${IMPORT}/batches`, { datasetId: '0123456789abcdef01234567', inputFormat: { format: 'json' } })).statusCode).toBe(
      404,
    );
    expect((await t.call('POST', `${IMPORT}/batches`, { datasetId, inputFormat: { format: 'xml' } })).statusCode).toBe(400);
    await t.platform.identity.createSandbox(t.credentials.imsOrg, { name: 'dev' });
    const inDev = await upload(t, 'PUT', files(batchId, 'a.json'), line('x'), { 'x-sandbox-name': 'dev' });
    expect(inDev.statusCode).toBe(404);
  });

  it('a COMPLETE whose process died midway is processed again by its retried job: nothing half-done shows, and the batch lands once', async () => {
    const batchId = await newBatch();
    await upload(t, 'PUT', files(batchId, 'again.json'), line('A-1') + line('A-2'));
    const before = await count(t, 'hostile');
    expect((await t.call('POST', `${IMPORT}/batches/${batchId}?action=COMPLETE`)).json().status).toBe('processing');

    // The dead attempt left a staged part, and even a commit to the lake that Catalog never recorded.
    const location = { orgId: scope.orgId, sandboxId: scope.sandboxId, datasetId, batchId };
    const half = await t.platform.lake.stage(location);
    const committed = await t.platform.lake.stage(location);
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    for (const dir of [half.dir, committed.dir])
      await connection.run(`COPY (SELECT 'A-1' AS _id) TO '${join(dir, 'part-00000.parquet')}' (FORMAT parquet)`);
    connection.closeSync();
    instance.closeSync();
    await committed.commit();
    expect(await status(batchId)).toBe('processing');
    expect((await t.call('GET', `${EXPORT}/batches/${batchId}/files`)).json().data).toEqual([]);
    expect(await count(t, 'hostile')).toBe(before);

    // The job runs again: the batch lands whole, once, and nothing of the dead attempt remains.
    await process(batchId);
    expect((await t.call('GET', `${CATALOG}/batches/${batchId}`)).json()[batchId]).toMatchObject({ status: 'success', recordCount: 2 });
    expect(await count(t, 'hostile')).toBe(before + 2);
    expect(readdirSync(join(t.platform.config.lakeDir, '_staging')).filter((e) => e.startsWith(`${batchId}-`))).toEqual([]);
    // A second delivery of the same job finds the batch done and changes nothing.
    await process(batchId);
    expect(await status(batchId)).toBe('success');
    expect(await count(t, 'hostile')).toBe(before + 2);
  });

  it('COMPLETE answers at once with the batch processing and its job queued; a worker then lands it', async () => {
    const batchId = await newBatch();
    const rows = Array.from({ length: 2000 }, (_, i) => line(`Q-${i}`)).join('');
    await upload(t, 'PUT', files(batchId, 'queued.json'), rows);
    const before = await count(t, 'hostile');
    const done = await t.call('POST', `${IMPORT}/batches/${batchId}?action=COMPLETE`);
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ id: batchId, status: 'processing' });
    // Nothing has processed it: no worker runs yet, so it waits as a job, invisible to readers.
    const jobs = await t.platform.db.query<{ state: string }>(
      `select state from pgboss.job where name = 'import-batches' and data->>'batchId' = $1`,
      [batchId],
    );
    expect(jobs.map((j) => j.state)).toEqual(['created']);
    expect(await status(batchId)).toBe('processing');
    expect((await t.call('GET', `${EXPORT}/batches/${batchId}/files`)).json().data).toEqual([]);
    expect(await count(t, 'hostile')).toBe(before);
    // A second COMPLETE of a batch already processing is a conflict, and queues nothing more.
    expect((await t.call('POST', `${IMPORT}/batches/${batchId}?action=COMPLETE`)).statusCode).toBe(409);

    await t.platform.startBackground({ scheduler: false });
    expect(await waitForBatch(t, batchId)).toMatchObject({ status: 'success', recordCount: 2000 });
    expect(await count(t, 'hostile')).toBe(before + 2000);
  });
});
