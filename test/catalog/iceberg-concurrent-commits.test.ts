/**
 * Two platforms on one PostgreSQL commit batches to one dataset's Iceberg table at once: the table's row lock
 * serialises them, each writer builds on the snapshot the other just made, and no snapshot is lost — every batch is
 * one snapshot in one unbroken chain, and the table holds every row.
 */
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { icebergRead } from 'icebird';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPlatform, type Platform } from '../../src/platform.js';
import type { TableMetadata } from '../../src/lake/iceberg/table-metadata.js';
import type { Scope } from '../../src/services/scope.js';
import { answerFileUrls } from '../support/file-fetch.js';
import { startTestPlatform, type TestPlatform } from '../support/platform.js';
import { makeDataset } from '../ingest/support.js';

const BATCHES_EACH = 4;
const ROWS = 3;

async function writeParquet(path: string, prefix: string): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run(`COPY (SELECT '${prefix}-' || range AS _id FROM range(${ROWS})) TO '${path}' (FORMAT parquet)`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

describe('two platforms committing to one Iceberg table at once, on PostgreSQL', () => {
  let t: TestPlatform;
  let other: Platform;
  let restoreFetch: () => void;

  beforeAll(async () => {
    t = await startTestPlatform({ database: 'postgres' });
    other = await createPlatform(t.platform.config);
    restoreFetch = answerFileUrls();
  });
  afterAll(async () => {
    restoreFetch?.();
    await other?.close({ graceMs: 100 });
    await t?.close();
  });

  it('loses no snapshot', async () => {
    const { datasetId } = await makeDataset(t, 'Concurrent People');
    const sandboxId = (await t.call('GET', `/data/foundation/catalog/dataSets/${datasetId}`)).json()[datasetId].sandboxId as string;
    const scope = await t.platform.identity.systemScope(t.credentials.imsOrg, sandboxId);
    let hooks = 0;

    /** One batch through Catalog's own lifecycle, as a flow run or a stream lands one, with the onSuccess hook. */
    const land = async (platform: Platform, name: string): Promise<string> => {
      const { batchId, staging } = await platform.catalog.beginBatch(scope, { datasetId });
      await writeParquet(join(staging.dir, 'part-00000.parquet'), name);
      const result = await platform.catalog.finishBatch(
        scope,
        batchId,
        staging,
        { recordCount: ROWS, failedRecordCount: 0, inputFiles: [], rowErrors: [] },
        async (tx) => {
          await tx.query('select 1');
          hooks++;
        },
      );
      expect(result.status).toBe('success');
      return batchId;
    };
    const writers = [t.platform, other];
    const names = writers.flatMap((_, w) => Array.from({ length: BATCHES_EACH }, (_, i) => `w${w}-b${i}`));
    const ids = await Promise.all(names.map((name) => land(writers[Number(name[1])]!, name)));
    expect(hooks).toBe(ids.length);

    const table = await t.app.inject({
      method: 'GET',
      url: '/iceberg/v1/prod/namespaces/datasets/tables/concurrent_people',
      headers: { authorization: t.headers.authorization! },
    });
    expect(table.statusCode, table.body).toBe(200);
    const metadata = table.json().metadata as TableMetadata;
    const snapshots = metadata.snapshots;
    expect(snapshots).toHaveLength(ids.length);
    expect(snapshots.map((s) => s.summary['tributary.batch-id']).sort()).toEqual([...ids].sort());
    expect(snapshots.map((s) => s['sequence-number'])).toEqual(snapshots.map((_, i) => i + 1));
    expect(snapshots.map((s) => s['parent-snapshot-id'])).toEqual([undefined, ...snapshots.slice(0, -1).map((s) => s['snapshot-id'])]);
    expect(snapshots.map((s) => s.summary['total-records'])).toEqual(snapshots.map((_, i) => String((i + 1) * ROWS)));
    expect(metadata['metadata-log']).toHaveLength(ids.length - 1);
    for (const id of ids) {
      const batch = await t.platform.catalog.getBatch(scope, id);
      expect(snapshots.find((s) => s['snapshot-id'] === batch.icebergSnapshotId)?.summary['tributary.batch-id']).toBe(id);
    }

    const rows = (await icebergRead({ tableUrl: metadata.location, metadata: metadata as never })) as Array<{ _id: string }>;
    const expected = names.flatMap((name) => Array.from({ length: ROWS }, (_, r) => `${name}-${r}`)).sort();
    expect(rows.map((r) => r._id).sort()).toEqual(expected);
    expect((await t.platform.catalog.datasetFiles(scope, datasetId)).paths.length).toBe(ids.length);
  });
});
