import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { judgePartialIngestion, partialIngestionPercent } from '../../src/pipeline/index.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { createConnection, createFlow, runNow } from '../support/flow-journey.js';

const LOCAL = '9c1d2e3f-4a5b-4c6d-8e7f-a0b1c2d3e4f5';
const HOUR_AGO = (Date.now() - 3600_000) / 1000;

describe('partial ingestion threshold', () => {
  it('reads the Catalog tag and judges the failed share', () => {
    expect(partialIngestionPercent({ acp_partialIngestionPercent: ['10'] })).toBe(10);
    expect(partialIngestionPercent({ acp_partialIngestionPercent: ['lots'] })).toBeUndefined();
    expect(partialIngestionPercent(undefined)).toBeUndefined();
    expect(judgePartialIngestion({ thresholdPercent: 10, outputRecords: 90, failedRecords: 10 })).toMatchObject({
      exceeded: false,
      failedPercent: 10,
    });
    expect(judgePartialIngestion({ thresholdPercent: 10, outputRecords: 89, failedRecords: 11 })).toMatchObject({ exceeded: true });
    // No threshold: any share may fail while something lands.
    expect(judgePartialIngestion({ thresholdPercent: undefined, outputRecords: 1, failedRecords: 99 })).toMatchObject({
      exceeded: false,
      refusal: null,
    });
    // A file that failed whole counts as at least one failed record, and the refusal names it.
    const files = judgePartialIngestion({
      thresholdPercent: 0,
      outputRecords: 3,
      failedRecords: 0,
      failedFiles: [{ path: '/bad.csv', failedRecordCount: 0 }],
      fileCount: 2,
    });
    expect(files).toMatchObject({ exceeded: true, failedRecordCount: 1, failedPercent: 25 });
    expect(files.refusal).toEqual({
      code: 'TRIB-BATCH-1004',
      description:
        '1 of 2 file(s) could not be read (/bad.csv); 25% of the input failed (1 of 4 records), partial ingestion is off (0% allowed); nothing was ingested',
    });
  });
});

/** A dataset tagged acp_partialIngestionPercent = 30: a run under the threshold lands, one over it fails whole. */
// A run failed whole stores its errors as jsonb: checked on PostgreSQL as well as PGlite.
describe.each(['pglite', 'postgres'] as const)('partial ingestion through a flow run on %s', (database) => {
  let t: TestPlatform;
  let folder: string;
  let flowId: string;
  let dataSetId: string;

  beforeAll(async () => {
    t = await startTestPlatform({ database });
    folder = mkdtempSync(join(tmpdir(), 'tributary-partial-'));
    const connectionId = await createConnection(t, LOCAL, 'Local Folder', { path: folder });
    ({ flowId, dataSetId } = await createFlow(t, {
      connectionId,
      specId: LOCAL,
      path: '/*.csv',
      title: 'people',
      fieldGroups: ['https://ns.adobe.com/xdm/context/profile-personal-details'],
      mappings: [
        ['id', '_id'],
        ['email', 'personalEmail.address'],
      ],
      dataSet: { tags: { acp_partialIngestionPercent: ['30'] } },
    }));
  });

  afterAll(async () => {
    await t?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  function writeCsv(name: string, good: number, bad: number): void {
    const rows = [
      ...Array.from({ length: good }, (_, i) => `${name}-${i},p${i}@example.com`),
      ...Array.from({ length: bad }, (_, i) => `${name}-bad-${i},not an email`),
    ];
    const file = join(folder, `${name}.csv`);
    writeFileSync(file, ['id,email', ...rows].join('\n'));
    utimesSync(file, HOUR_AGO, HOUR_AGO);
  }

  const nextRun = () => runNow(t, flowId);

  it('lands a batch whose failed share is under the threshold, and fails whole one above it', async () => {
    writeCsv('under', 8, 2);
    const under = await nextRun();
    // Some rows failed but the batch landed: a partial success.
    expect(under.metrics.statusSummary.status, JSON.stringify(under)).toBe('partialSuccess');
    expect(under.metrics.recordSummary).toMatchObject({ inputRecordCount: 10, outputRecordCount: 8, failedRecordCount: 2 });
    const landed = (await t.call('GET', `/data/foundation/catalog/batches/${under.batchId}`)).json()[under.batchId];
    expect(landed.status).toBe('success');

    writeCsv('over', 5, 5);
    const over = await nextRun();
    expect(over.metrics.statusSummary.status).toBe('failed');
    expect(over.metrics.statusSummary.errors).toContainEqual(expect.objectContaining({ code: 'TRIB-BATCH-1004' }));
    expect(over.metrics.recordSummary).toMatchObject({ inputRecordCount: 10, outputRecordCount: 0, failedRecordCount: 10 });
    const failed = (await t.call('GET', `/data/foundation/catalog/batches/${over.batchId}`)).json()[over.batchId];
    expect(failed.status).toBe('failed');
    const errors = await t.call('GET', `/data/foundation/export/batches/${over.batchId}/meta?path=row_errors`);
    expect(errors.statusCode).toBe(200);
  });
});
