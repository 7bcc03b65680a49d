import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingest, type FieldMapping, type IngestResult, type SourceFile, type SourceFormat } from '../../src/pipeline/index.js';
import { memoryFile, query, targetSchema } from './support.js';

const MAPPINGS: FieldMapping[] = [
  { sourceType: 'ATTRIBUTE', source: 'id', destination: '_id' },
  { sourceType: 'ATTRIBUTE', source: 'email', destination: 'personalEmail.address' },
  { sourceType: 'ATTRIBUTE', source: 'points', destination: 'loyalty.points' },
];
const CSV = [
  'id,email,points',
  '1,ann@example.com,10',
  '2,not-an-email,3',
  '3,"bo@example.com",x',
  '4,cy@example.com',
  '5,di@example.com,7',
  '',
].join('\n');

/** A source file on the local disk, offering its path the way a local-folder storage does. */
function diskFile(path: string, name: string, localPath: () => Promise<string | null> = async () => path): SourceFile & { opened: number } {
  const file = {
    path: name,
    size: 0,
    opened: 0,
    open: async () => {
      file.opened++;
      return memoryFile(name, readFileSync(path)).open();
    },
    localPath,
  };
  return file;
}

describe('ingest: files read where they lie', () => {
  let dir: string;
  let out: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pipeline-in-place-'));
    out = mkdtempSync(join(tmpdir(), 'pipeline-in-place-out-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  });

  const run = (file: SourceFile, format: SourceFormat = { format: 'delimited' }, outputDir = out) =>
    ingest({ files: [file], format, mappings: MAPPINGS, target: targetSchema(), outputDir });
  const summary = (r: IngestResult) => ({
    counts: [r.inputRecordCount, r.outputRecordCount, r.failedRecordCount, r.inputBytes],
    errors: r.rowErrors.map((e) => `${e.file}:${e.row}:${e.code}`),
  });

  it('reads a plain local file in place, with the same rows and errors as a copy, and leaves it untouched', async () => {
    const path = join(dir, 'people.csv');
    writeFileSync(path, CSV);
    const local = diskFile(path, '/people.csv');
    const inPlace = await run(local);
    expect(local.opened).toBe(0);
    expect(readFileSync(path, 'utf8')).toBe(CSV);

    const copiedOut = mkdtempSync(join(tmpdir(), 'pipeline-in-place-copy-'));
    try {
      const copied = await run(memoryFile('/people.csv', CSV), { format: 'delimited' }, copiedOut);
      expect(summary(inPlace)).toEqual(summary(copied));
      expect(summary(inPlace).counts).toEqual([5, 2, 3, Buffer.byteLength(CSV)]);
      const rows = (dir: string) =>
        query(`SELECT _id, personalEmail.address AS email, loyalty.points AS points FROM read_parquet('${dir}/*.parquet') ORDER BY _id`);
      expect(await rows(out)).toEqual(await rows(copiedOut));
    } finally {
      rmSync(copiedOut, { recursive: true, force: true });
    }
  });

  it('copies a file whose path DuckDB would take for a glob, so no other file is read', async () => {
    writeFileSync(join(dir, 'a1.csv'), 'id,email,points\n9,zz@example.com,1\n');
    const path = join(dir, 'a[1].csv');
    writeFileSync(path, CSV);
    const file = diskFile(path, '/a[1].csv');
    const result = await run(file);
    expect(file.opened).toBe(1);
    expect(summary(result).counts).toEqual([5, 2, 3, Buffer.byteLength(CSV)]);
  });

  it('still decompresses and transcodes through a copy', async () => {
    const gz = join(dir, 'people.csv.gz');
    writeFileSync(gz, gzipSync(CSV));
    const compressed = diskFile(gz, '/people.csv.gz');
    expect(summary(await run(compressed, { format: 'delimited', compressionType: 'gzip' })).counts.slice(0, 3)).toEqual([5, 2, 3]);
    expect(compressed.opened).toBe(1);

    const latin = join(dir, 'latin.csv');
    writeFileSync(latin, Buffer.from('id,email,points\n1,zoé@example.com,2\n', 'latin1'));
    const transcoded = diskFile(latin, '/latin.csv');
    await run(transcoded, { format: 'delimited', encoding: 'ISO-8859-1' });
    expect(transcoded.opened).toBe(1);
  });

  it('falls back to a copy when the storage has no local path, and fails the file alone when it cannot say', async () => {
    const path = join(dir, 'people.csv');
    writeFileSync(path, CSV);
    const none = diskFile(path, '/people.csv', async () => null);
    expect(summary(await run(none)).counts).toEqual([5, 2, 3, Buffer.byteLength(CSV)]);
    expect(none.opened).toBe(1);

    const gone = diskFile(join(dir, 'gone.csv'), '/gone.csv');
    const result = await run(gone);
    expect(result.files[0]!.error?.code).toBe((await run(memoryFileThatFails())).files[0]!.error?.code);
    expect(result.files[0]!.error?.message).toMatch(/^cannot open \/gone\.csv: /);
  });
});

function memoryFileThatFails(): SourceFile {
  return { path: '/x.csv', size: 0, open: async () => Promise.reject(new Error('gone')) };
}
