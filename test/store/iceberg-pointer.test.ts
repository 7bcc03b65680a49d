/**
 * The Iceberg table pointer in the store (what Iceberg's JDBC catalog keeps): created once, moved only from the
 * location a writer based its change on, and serialised between concurrent writers by the row lock.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lockTable, movePointer, readTable } from '../../src/services/catalog/iceberg-tables.repo.js';
import type { TableMetadata } from '../../src/lake/iceberg/table-metadata.js';
import { makeDataset } from '../ingest/support.js';
import { startTestPlatform, type TestDatabase, type TestPlatform } from '../support/platform.js';

const metadata = (n: number) => ({ 'format-version': 2, 'last-sequence-number': n }) as unknown as TableMetadata;

describe.each<TestDatabase>(['pglite', 'postgres'])('Iceberg table pointer on %s', (database) => {
  let t: TestPlatform;
  let datasetId: string;
  beforeAll(async () => {
    t = await startTestPlatform({ database });
    ({ datasetId } = await makeDataset(t, `iceberg pointer ${database}`));
  });
  afterAll(async () => t?.close());

  it('is created once and moves only from the location the change was based on', async () => {
    const { db } = t.platform;
    expect(await readTable(db, datasetId)).toBeNull();
    expect(await db.transaction((tx) => movePointer(tx, datasetId, null, { metadataLocation: 'file:///m0.json', metadata: metadata(0) }))).toBe(true);
    // A second creation, or a move from a stale base, changes nothing.
    expect(await db.transaction((tx) => movePointer(tx, datasetId, null, { metadataLocation: 'file:///other.json', metadata: metadata(9) }))).toBe(
      false,
    );
    expect(
      await db.transaction((tx) => movePointer(tx, datasetId, 'file:///stale.json', { metadataLocation: 'file:///m9.json', metadata: metadata(9) })),
    ).toBe(false);
    expect(
      await db.transaction((tx) => movePointer(tx, datasetId, 'file:///m0.json', { metadataLocation: 'file:///m1.json', metadata: metadata(1) })),
    ).toBe(true);
    expect(await readTable(db, datasetId)).toEqual({ metadataLocation: 'file:///m1.json', metadata: metadata(1) });
  });

  it('lets concurrent writers each build on the snapshot the other committed: none is lost', async () => {
    const { db } = t.platform;
    const before = (await readTable(db, datasetId))!;
    const commits = Array.from({ length: 4 }, (_, i) =>
      db.transaction(async (tx) => {
        const base = (await lockTable(tx, datasetId))!;
        const next = base.metadata['last-sequence-number'] + 1;
        const moved = await movePointer(tx, datasetId, base.metadataLocation, {
          metadataLocation: `file:///w${i}-${next}.json`,
          metadata: metadata(next),
        });
        expect(moved).toBe(true);
        return next;
      }),
    );
    const sequence = await Promise.all(commits);
    expect(sequence.sort()).toEqual([1, 2, 3, 4].map((n) => before.metadata['last-sequence-number'] + n));
    expect((await readTable(db, datasetId))!.metadata['last-sequence-number']).toBe(before.metadata['last-sequence-number'] + 4);
  });

  it('goes with its dataset', async () => {
    await t.call('DELETE', `/data/foundation/catalog/dataSets/${datasetId}`);
    expect(await readTable(t.platform.db, datasetId)).toBeNull();
  });
});
