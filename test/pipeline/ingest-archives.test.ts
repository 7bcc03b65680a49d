import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingest, previewFile, type FieldMapping } from '../../src/pipeline/index.js';
import { tar, zip } from './archives.js';
import { memoryFile, query, targetSchema } from './support.js';

const MAPPINGS: FieldMapping[] = [
  { sourceType: 'ATTRIBUTE', source: 'id', destination: '_id' },
  { sourceType: 'ATTRIBUTE', source: 'name', destination: 'person.name.firstName' },
];
const ENTRIES: Array<[string, string | Buffer]> = [
  ['data/a.csv', 'id,name\n1,Ann\n2,Bob,extra\n'],
  ['data/', ''],
  ['._a.csv', 'mac metadata'],
  ['data/b.csv', Buffer.from('id,name\n3,Zoë\n', 'latin1')],
];

describe('ingest: archives', () => {
  let out: string;
  beforeEach(() => {
    out = mkdtempSync(join(tmpdir(), 'pipeline-test-'));
  });
  afterEach(() => rmSync(out, { recursive: true, force: true }));

  for (const [compressionType, bytes] of [
    ['tar', tar(ENTRIES)],
    ['tarGzip', gzipSync(tar(ENTRIES))],
    ['zipDeflate', zip(ENTRIES)],
  ] as const) {
    it(`reads every data entry of a ${compressionType} archive, each with its own header`, async () => {
      const result = await ingest({
        files: [memoryFile('/in/batch', bytes)],
        format: { format: 'delimited', compressionType, encoding: 'ISO-8859-1' },
        mappings: MAPPINGS,
        target: targetSchema(),
        outputDir: out,
      });
      expect(result.files[0]!.error).toBeUndefined();
      expect([result.inputRecordCount, result.outputRecordCount, result.failedRecordCount]).toEqual([3, 2, 1]);
      expect(result.rowErrors).toEqual([expect.objectContaining({ file: '/in/batch!/data/a.csv', row: 2, code: 'PARSE-1001' })]);
      const rows = await query(`SELECT _id, person.name.firstName AS f FROM read_parquet('${join(out, 'part-*.parquet')}') ORDER BY _id`);
      expect(rows).toEqual([
        { _id: '1', f: 'Ann' },
        { _id: '3', f: 'Zoë' },
      ]);
    });
  }

  it('fails an archive that is not one', async () => {
    const result = await ingest({
      files: [memoryFile('/in/x.zip', 'no zip here')],
      format: { format: 'delimited', compressionType: 'zipDeflate' },
      mappings: MAPPINGS,
      target: targetSchema(),
      outputDir: out,
    });
    expect(result.files[0]!.error?.code).toBe('FILE-5002');
  });

  it('previews the first entries of an archive', async () => {
    const preview = await previewFile(
      memoryFile('/in/batch.zip', zip(ENTRIES)),
      { format: 'delimited', compressionType: 'zipDeflate', encoding: 'ISO-8859-1' },
      5,
    );
    expect(preview.rows.map((r) => r.id)).toEqual(['1', '3']);
  });
});
