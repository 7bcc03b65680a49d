import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingest, type FieldMapping, type SourceFile } from '../../src/pipeline/index.js';
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

/**
 * Ten gibibytes of zeros as a gzip stream of small members, generated as it is read: about 229:1, well under
 * the 1000:1 that alone used to stop a bomb. `served` counts the compressed bytes handed out; past `cap` the
 * source gives up, so a pipeline that does not refuse the bomb fails the test after a few megabytes instead
 * of inflating all ten gibibytes.
 */
function streamedBomb(cap: number): { file: SourceFile; served: () => number; ratio: number } {
  const plainPerMember = 12 * 1024;
  const member = gzipSync(Buffer.alloc(plainPerMember));
  const members = Math.ceil((10 * 1024 ** 3) / plainPerMember);
  // Handed out 64 members at a time: one tiny chunk per member would make the stream the slow part.
  const chunk = Buffer.concat(Array.from({ length: 64 }, () => member));
  let served = 0;
  const file: SourceFile = {
    path: '/in/zeros.csv.gz',
    size: members * member.length,
    open: async () =>
      Readable.from(
        (function* () {
          for (let i = 0; i < members; i += 64) {
            if (served > cap) throw new Error(`the bomb was read past ${cap} compressed bytes without being refused`);
            served += chunk.length;
            yield chunk;
          }
        })(),
      ),
  };
  return { file, served: () => served, ratio: plainPerMember / member.length };
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

  it('refuses a 229:1 bomb of ten GiB under the default limits after inflating a bounded prefix of it', async () => {
    const bomb = streamedBomb(8 * 1024 * 1024);
    expect(bomb.ratio).toBeGreaterThan(200);
    expect(bomb.ratio).toBeLessThan(1000);
    const result = await ingest({
      files: [bomb.file],
      format: { format: 'delimited', compressionType: 'gzip' },
      mappings: MAPPINGS,
      target: targetSchema(),
      outputDir: out,
    });
    expect(result.files[0]!.error).toEqual({ code: 'FILE-5008', message: expect.stringMatching(/zeros\.csv\.gz expands \d+:1 \(limit 100:1\)/) });
    // Refused once the output passed the 64 MiB floor: a few hundred kilobytes of its 45 MB were read.
    const inflated = Number(/after (\d+) bytes/.exec(result.files[0]!.error!.message)?.[1]);
    expect(inflated).toBeGreaterThan(64 * 1024 * 1024);
    expect(inflated).toBeLessThan(80 * 1024 * 1024);
    expect(bomb.served()).toBeLessThan(1024 * 1024);
    expect(result.outputRecordCount).toBe(0);
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
    expect(result.files[0]!.error).toEqual({ code: 'FILE-5013', message: expect.stringMatching(/expands past 1048576 bytes/) });
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
