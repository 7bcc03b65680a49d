import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlatform, type TestDatabase, type TestPlatform } from '../support/platform.js';
import { zip } from '../pipeline/archives.js';
import { IMPORT, completeBatch, count, makeDataset, parquetBytes, upload } from './support.js';

const line = (id: string) => `${JSON.stringify({ _id: id, person: { name: { firstName: id } } })}\n`;
const MB = 1024 * 1024;

/**
 * Files that cannot be read, sent through the Batch Ingestion API: each fails its batch and says why in the
 * batch's `errors`, instead of ending `success` with nothing landed. The record size limit is lowered to
 * 1 MiB so that a "line too long" needs a few megabytes, not hundreds.
 */
describe.each<TestDatabase>(['pglite', 'postgres'])('Batch Ingestion: unreadable files fail the batch (%s)', (database) => {
  let t: TestPlatform;
  let datasetId: string;
  let scratch: string;
  const table = `unreadable_${database}`;
  const files = (batchId: string, name: string) => `${IMPORT}/batches/${batchId}/datasets/${datasetId}/files/${name}`;

  /** One batch of the given files; returns Catalog's batch once a worker has ended it. */
  async function batchOf(inputFormat: Record<string, unknown>, uploads: Array<[string, Buffer | string]>, extra: Record<string, unknown> = {}) {
    const created = await t.call('POST', `${IMPORT}/batches`, { datasetId, inputFormat, ...extra });
    expect(created.statusCode, created.body).toBe(201);
    const batchId = created.json().id as string;
    for (const [name, body] of uploads) expect((await upload(t, 'PUT', files(batchId, name), body)).statusCode).toBe(201);
    return completeBatch(t, batchId);
  }

  /** The batch failed, landed nothing, and its errors name the file with the code and a message matching `why`. */
  function expectUnreadable(batch: Record<string, any>, file: string, code: string, why: RegExp) {
    expect(batch.status, JSON.stringify(batch.errors)).toBe('failed');
    expect(batch.recordCount).toBe(0);
    // The partial ingestion rule refused it, with the one code flows report too.
    expect(batch.errors[0]).toMatchObject({ code: 'TRIB-BATCH-1004', description: expect.stringContaining(file) });
    expect(batch.errors[0].description).toMatch(/could not be read .*; nothing was ingested$/);
    const fileError = batch.errors.find((e: { code: string }) => e.code === code);
    expect(fileError, JSON.stringify(batch.errors)).toBeDefined();
    expect(fileError.description).toContain(file);
    expect(fileError.description).toMatch(why);
  }

  beforeAll(async () => {
    t = await startTestPlatform({ database, env: { TRIBUTARY_MAX_RECORD_BYTES: String(MB) } });
    await t.platform.startBackground({ scheduler: false });
    scratch = mkdtempSync(join(tmpdir(), 'tributary-unreadable-'));
    ({ datasetId } = await makeDataset(t, `Unreadable ${database}`));
  });
  afterAll(async () => {
    await t?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('fails a CSV and a JSON-lines file that are not valid UTF-8', async () => {
    const badCsv = Buffer.concat([Buffer.from('_id,person.name.firstName\nu-1,'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('\nu-2,Ok\n')]);
    expectUnreadable(await batchOf({ format: 'csv' }, [['latin.csv', badCsv]]), 'latin.csv', 'FILE-5005', /UTF-8/i);
    const badJson = Buffer.concat([
      Buffer.from(line('u-3')),
      Buffer.from('{"_id":"u-4","person":{"name":{"firstName":"'),
      Buffer.from([0xe9]),
      Buffer.from('"}}}\n'),
    ]);
    expectUnreadable(await batchOf({ format: 'json' }, [['latin.json', badJson]]), 'latin.json', 'FILE-5005', /line 2 is not valid UTF-8/);
    expect(await count(t, table)).toBe(0);
  });

  it('fails garbage and truncated Parquet files', async () => {
    expectUnreadable(await batchOf({ format: 'parquet' }, [['junk.parquet', 'this is no parquet file']]), 'junk.parquet', 'FILE-5005', /Parquet/);
    const whole = await parquetBytes(scratch, `SELECT 'p-' || i AS _id FROM range(1000) t(i)`);
    const truncated = whole.subarray(0, Math.floor(whole.length / 2));
    expectUnreadable(await batchOf({ format: 'parquet' }, [['cut.parquet', truncated]]), 'cut.parquet', 'FILE-5005', /Parquet/);
  });

  it('fails a gzip or zip file sent as plain JSON, naming what it is', async () => {
    const gz = gzipSync(line('g-1') + line('g-2'));
    expectUnreadable(await batchOf({ format: 'json' }, [['rows.json', gz]]), 'rows.json', 'FILE-5005', /gzip/);
    expectUnreadable(await batchOf({ format: 'json', isMultiLineJson: true }, [['rows.json', gz]]), 'rows.json', 'FILE-5005', /gzip/);
    expectUnreadable(await batchOf({ format: 'json' }, [['rows.zip', zip([['rows.json', line('z-1')]])]]), 'rows.zip', 'FILE-5005', /zip/);
  });

  it('fails a CSV of 10,000 columns with the column limit', async () => {
    const header = Array.from({ length: 10_000 }, (_, i) => `c${i}`).join(',');
    const csv = `${header}\n${Array.from({ length: 10_000 }, (_, i) => i).join(',')}\n`;
    expectUnreadable(await batchOf({ format: 'csv' }, [['wide.csv', csv]]), 'wide.csv', 'FILE-5010', /10000 columns/);
  });

  it('fails a file whose single line is longer than the record limit', async () => {
    const long = `{"_id":"l-1","person":{"name":{"firstName":"${'x'.repeat(3 * MB)}"}}}\n`;
    expectUnreadable(await batchOf({ format: 'json' }, [['long.json', long]]), 'long.json', 'FILE-5009', /longer than 1048576 bytes/);
    expectUnreadable(await batchOf({ format: 'csv' }, [['long.csv', 'x'.repeat(3 * MB)]]), 'long.csv', 'FILE-5009', /longer than 1048576 bytes/);
  });

  it('with partial ingestion, an unreadable file counts as failed input against the threshold', async () => {
    const good = line('ok-1') + line('ok-2') + line('ok-3');
    const within = await batchOf(
      { format: 'json' },
      [
        ['good.json', good],
        ['junk.json', gzipSync(good)],
      ],
      { partialIngestionPercentage: 50 },
    );
    // Three rows and one unreadable file: 25% failed, within 50%.
    expect(within).toMatchObject({ status: 'success', recordCount: 3, failedRecordCount: 1 });
    expect(within.errors.map((e: { code: string }) => e.code)).toContain('FILE-5005');
    expect(await count(t, table)).toBe(3);

    const over = await batchOf(
      { format: 'json' },
      [
        ['good.json', good],
        ['junk.json', gzipSync(good)],
      ],
      { partialIngestionPercentage: 10 },
    );
    expectUnreadable(over, 'junk.json', 'FILE-5005', /gzip/);
    expect(await count(t, table)).toBe(3);
  });
});
