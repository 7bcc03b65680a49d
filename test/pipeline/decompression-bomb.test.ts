import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingest, type FieldMapping } from '../../src/pipeline/index.js';
import { zip } from './archives.js';
import { memoryFile, query, targetSchema } from './support.js';

const MAPPINGS: FieldMapping[] = [
  { sourceType: 'ATTRIBUTE', source: 'id', destination: '_id' },
  { sourceType: 'ATTRIBUTE', source: 'name', destination: 'person.name.firstName' },
];

/** A CSV whose one column is megabytes of the same letter: it compresses about 1000:1. */
function bomb(megabytes: number): string {
  return `id,name\n1,${'a'.repeat(megabytes * 1024 * 1024)}\n`;
}

describe('ingest: decompression bombs', () => {
  let out: string;
  beforeEach(() => {
    out = mkdtempSync(join(tmpdir(), 'pipeline-bomb-'));
  });
  afterEach(() => rmSync(out, { recursive: true, force: true }));

  it('fails a gzip file that expands past the ratio limit, and lands the other files', async () => {
    const result = await ingest({
      files: [memoryFile('/in/bomb.csv.gz', gzipSync(bomb(8))), memoryFile('/in/good.csv.gz', gzipSync('id,name\n2,Ada\n'))],
      format: { format: 'delimited', compressionType: 'gzip' },
      mappings: MAPPINGS,
      target: targetSchema(),
      outputDir: out,
      decompressionLimits: { maxRatio: 100, ratioFloorBytes: 1024 * 1024 },
    });
    expect(result.files[0]!.error).toEqual({
      code: 'FILE-5008',
      message: expect.stringMatching(/\/in\/bomb\.csv\.gz expands \d+:1 \(limit 100:1\)/),
    });
    expect(result.files[1]!.error).toBeUndefined();
    expect(await query(`SELECT _id FROM read_parquet('${join(out, 'part-*.parquet')}')`)).toEqual([{ _id: '2' }]);
  });

  it('fails a gzip file that expands past the size limit', async () => {
    const result = await ingest({
      files: [memoryFile('/in/big.csv.gz', gzipSync(bomb(2)))],
      format: { format: 'delimited', compressionType: 'gzip' },
      mappings: MAPPINGS,
      target: targetSchema(),
      outputDir: out,
      decompressionLimits: { maxBytes: 1024 * 1024 },
    });
    expect(result.files[0]!.error).toEqual({ code: 'FILE-5008', message: expect.stringMatching(/expands past 1048576 bytes/) });
    expect(result.outputRecordCount).toBe(0);
  });

  it('judges each deflated zip entry against its own compressed size', async () => {
    const result = await ingest({
      files: [memoryFile('/in/batch.zip', zip([['bomb.csv', bomb(4)]]))],
      format: { format: 'delimited', compressionType: 'zipDeflate' },
      mappings: MAPPINGS,
      target: targetSchema(),
      outputDir: out,
      decompressionLimits: { maxRatio: 100, ratioFloorBytes: 1024 * 1024 },
    });
    expect(result.files[0]!.error).toEqual({ code: 'FILE-5008', message: expect.stringMatching(/\/in\/batch\.zip!\/bomb\.csv expands/) });
  });

  it('lets an ordinary compressed file through under the default limits', async () => {
    const result = await ingest({
      files: [memoryFile('/in/ok.csv.gz', gzipSync(bomb(1)))],
      format: { format: 'delimited', compressionType: 'gzip' },
      mappings: MAPPINGS,
      target: targetSchema(),
      outputDir: out,
    });
    expect(result.files[0]!.error).toBeUndefined();
    expect(result.outputRecordCount).toBe(1);
  });
});
