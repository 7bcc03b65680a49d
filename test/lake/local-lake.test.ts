import { mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLocalLake, type Lake } from '../../src/lake/index.js';

const where = { orgId: 'ABCDEF0123456789ABCDEF01@AdobeOrg', sandboxId: '2f0a5a56-2b7b-4f55-9b5e-3a3f6a1f0c11', datasetId: '65a1b2c3d4e5f60718293a4b' };
const batch = { ...where, batchId: '01HZX3K9Q4W6V8B2N5M7R1T3Y6' };

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString();
}

/**
 * What only the local backend promises: its layout on disk, hidden writer files, its staging folder.
 * The promises every backend keeps (commit conflicts, discards, ranges) are in lake-contract.test.ts,
 * which runs on this backend too.
 */
describe('local lake', () => {
  let root: string;
  let lake: Lake;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'tributary-lake-'));
    lake = openLocalLake(root);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('keeps staged files out of sight until the commit, then shows the whole batch', async () => {
    const staging = await lake.stage(batch);
    expect(staging.dir.startsWith(join(root, '_staging'))).toBe(true);
    writeFileSync(join(staging.dir, 'part-00000.parquet'), 'first');
    mkdirSync(join(staging.dir, 'city=Paris'));
    writeFileSync(join(staging.dir, 'city=Paris', 'part-00001.parquet'), 'second!');
    writeFileSync(join(staging.dir, '.tmp-writer'), 'hidden');

    expect(await lake.listFiles(batch)).toEqual([]);
    expect(await lake.datasetFiles(where)).toEqual([]);
    await expect(lake.readFile(batch, 'part-00000.parquet')).rejects.toMatchObject({ kind: 'not_found' });

    const files = await staging.commit();
    expect(files).toEqual([
      { name: 'city=Paris/part-00001.parquet', size: 7 },
      { name: 'part-00000.parquet', size: 5 },
    ]);
    expect(await lake.listFiles(batch)).toEqual(files);
    expect(existsSync(staging.dir)).toBe(false);
    expect(await text(await lake.readFile(batch, 'city=Paris/part-00001.parquet'))).toBe('second!');
    const paths = await lake.datasetFiles(where);
    expect(paths.sort()).toEqual([
      join(root, where.orgId, where.sandboxId, where.datasetId, batch.batchId, 'city=Paris', 'part-00001.parquet'),
      join(root, where.orgId, where.sandboxId, where.datasetId, batch.batchId, 'part-00000.parquet'),
    ]);
    expect(await lake.datasetFiles(where, ['01HZX3K9Q4W6V8B2N5M7R1T3Y7'])).toEqual([]);
    // A committed batch cannot be committed again, and discarding it afterwards leaves it alone.
    await expect(staging.commit()).rejects.toMatchObject({ kind: 'conflict' });
    await staging.discard();
    expect(await lake.listFiles(batch)).toHaveLength(2);
  });

  it('abandons every staging area of a batch, and removes batches and datasets', async () => {
    await lake.stage(batch);
    await lake.stage(batch);
    const other = await lake.stage({ ...batch, batchId: '01HZX3K9Q4W6V8B2N5M7R1T3Y9' });
    await lake.abandonStaging(batch.batchId);
    expect(readdirSync(join(root, '_staging'))).toEqual([other.dir.split('/').pop()]);

    writeFileSync(join(other.dir, 'p.parquet'), 'p');
    await other.commit();
    const second = { ...batch, batchId: '01HZX3K9Q4W6V8B2N5M7R1T3Y9' };
    expect(await lake.listFiles(second)).toHaveLength(1);
    await lake.removeBatch(second);
    expect(await lake.listFiles(second)).toEqual([]);
    await lake.removeBatch(second); // already gone: no error
    await lake.removeDataset(where);
    expect(existsSync(join(root, where.orgId, where.sandboxId, where.datasetId))).toBe(false);
  });

  it('refuses ids and names that would leave their folder', async () => {
    const tricks = ['..', '.', '../x', 'a/b', 'a\\b', '', '.hidden', 'x'.repeat(200)];
    for (const id of tricks) {
      await expect(lake.stage({ ...batch, batchId: id })).rejects.toMatchObject({ kind: 'invalid' });
      await expect(lake.stage({ ...batch, datasetId: id })).rejects.toMatchObject({ kind: 'invalid' });
      await expect(lake.listFiles({ ...batch, orgId: id })).rejects.toMatchObject({ kind: 'invalid' });
      await expect(lake.datasetFiles({ ...where, sandboxId: id })).rejects.toMatchObject({ kind: 'invalid' });
      await expect(lake.datasetFiles(where, [id])).rejects.toMatchObject({ kind: 'invalid' });
    }
    for (const name of ['../../../../etc/passwd', '/etc/passwd', 'a/../../b', 'a//b', 'a\\..\\b']) {
      await expect(lake.readFile(batch, name)).rejects.toMatchObject({ kind: 'invalid' });
    }
    await expect(lake.abandonStaging('../..')).rejects.toMatchObject({ kind: 'invalid' });
    expect(readdirSync(root).filter((e) => e !== '_staging')).toEqual([]);
  });
});
