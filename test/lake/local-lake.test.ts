import { mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLocalLake, type Lake } from '../../src/lake/index.js';

const where = {
  orgId: 'ABCDEF0123456789ABCDEF01@AdobeOrg',
  sandboxId: '2f0a5a56-2b7b-4f55-9b5e-3a3f6a1f0c11',
  datasetId: '65a1b2c3d4e5f60718293a4b',
};
const batch = { ...where, batchId: '01HZX3K9Q4W6V8B2N5M7R1T3Y6' };

/**
 * What only the local backend promises: its layout on disk. The promises every backend keeps
 * (staging out of sight, commit conflicts, discards, removals, ranges, hostile ids) are in
 * lake-contract.test.ts, which runs on this backend too.
 */
describe('local lake', () => {
  let root: string;
  let lake: Lake;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'tributary-lake-'));
    lake = openLocalLake(root);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('stages under _staging and commits to org/sandbox/dataset/batch folders', async () => {
    const staging = await lake.stage(batch);
    const other = await lake.stage({ ...batch, batchId: '01HZX3K9Q4W6V8B2N5M7R1T3Y9' });
    expect(staging.dir.startsWith(join(root, '_staging'))).toBe(true);
    writeFileSync(join(staging.dir, 'part-00000.parquet'), 'first');
    await staging.commit();
    expect((await lake.datasetFiles(where)).paths).toEqual([
      join(root, where.orgId, where.sandboxId, where.datasetId, batch.batchId, 'part-00000.parquet'),
    ]);

    await lake.stage(batch);
    await lake.abandonStaging(batch.batchId);
    expect(readdirSync(join(root, '_staging'))).toEqual([other.dir.split('/').pop()]);
    await lake.removeDataset(where);
    expect(existsSync(join(root, where.orgId, where.sandboxId, where.datasetId))).toBe(false);
  });

  it('creates nothing outside its folders when ids and names try to leave them', async () => {
    for (const id of ['..', '.', '../x', 'a/b', 'a\\b', '', '.hidden', 'x'.repeat(200)]) {
      await expect(lake.stage({ ...batch, batchId: id })).rejects.toMatchObject({ failure: 'bad_name' });
      await expect(lake.stage({ ...batch, datasetId: id })).rejects.toMatchObject({ failure: 'bad_name' });
    }
    await expect(lake.readFile(batch, 'a\\..\\b')).rejects.toMatchObject({ failure: 'bad_name' });
    expect(readdirSync(root).filter((e) => e !== '_staging')).toEqual([]);
  });
});
