import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync, deflateSync, deflateRawSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingest, previewFile, type FieldMapping } from '../../src/pipeline/index.js';
import { memoryFile, query, targetSchema } from './support.js';

describe('ingest: JSON and Parquet files', () => {
  let out: string;
  beforeEach(() => {
    out = mkdtempSync(join(tmpdir(), 'pipeline-test-'));
  });
  afterEach(() => rmSync(out, { recursive: true, force: true }));

  const LINES = [
    '{"_id":"a","person":{"name":{"firstName":"Ann"}},"createdAt":"2020-05-13T19:37:26+02:00","score":"1.5","tags":["x","y"],"identityMap":{"ECID":[{"id":"123","primary":true}]}}',
    '{"_id":"b", broken json',
    '',
    '{"_id":"c","loyalty":{"points":12},"createdAt":1589398646000}',
    '[1,2,3]',
    '{"_id":"d","tags":"not-an-array"}',
    '{"_id":"e","unknownField":1}',
  ].join('\n');

  it('ingests XDM-shaped JSON lines as they are, coercing to the schema types', async () => {
    const result = await ingest({
      files: [memoryFile('/in/rows.json', LINES)],
      format: { format: 'json' },
      mappings: null,
      target: targetSchema(),
      outputDir: out,
    });
    expect([result.inputRecordCount, result.outputRecordCount, result.failedRecordCount]).toEqual([6, 3, 3]);
    expect(result.rowErrors.map((e) => [e.row, e.code])).toEqual([
      [2, 'PARSE-1002'],
      [4, 'PARSE-1002'],
      [5, 'TYPE-3001'],
    ]);
    const rows =
      await query(`SELECT _id, person.name.firstName AS f, strftime(createdAt, '%Y-%m-%dT%H:%M:%S') AS at, score, tags, loyalty.points AS p, identityMap['ECID'][1].id AS ecid
      FROM read_parquet('${join(out, 'part-00000.parquet')}') ORDER BY _id`);
    expect(rows).toEqual([
      { _id: 'a', f: 'Ann', at: '2020-05-13T17:37:26', score: 1.5, tags: ['x', 'y'], p: null, ecid: '123' },
      { _id: 'c', f: null, at: '2020-05-13T19:37:26', score: null, tags: null, p: 12, ecid: null },
      { _id: 'e', f: null, at: null, score: null, tags: null, p: null, ecid: null },
    ]);
  });

  it('maps nested JSON attributes and reads deflate (zlib and raw) and gzip', async () => {
    const text = '{"user":{"id":"1","name":"Ann"}}\n{"user":{"id":"2","name":"Bob"}}\n';
    const mappings: FieldMapping[] = [
      { sourceType: 'ATTRIBUTE', source: 'user.id', destination: '_id' },
      { sourceType: 'EXPRESSION', source: 'user.name', destination: 'person.name.firstName' },
    ];
    for (const [compressionType, bytes] of [
      ['deflate', deflateSync(text)],
      ['deflate', deflateRawSync(text)],
      ['gzip', gzipSync(text)],
    ] as const) {
      const dir = mkdtempSync(join(out, 'c-'));
      const result = await ingest({
        files: [memoryFile('/in/u.json', bytes)],
        format: { format: 'json', compressionType },
        mappings,
        target: targetSchema(),
        outputDir: dir,
      });
      expect(result.files[0]!.error).toBeUndefined();
      const rows = await query(`SELECT _id, person.name.firstName AS f FROM read_parquet('${join(dir, 'part-00000.parquet')}') ORDER BY _id`);
      expect(rows).toEqual([
        { _id: '1', f: 'Ann' },
        { _id: '2', f: 'Bob' },
      ]);
    }
  });

  it('reads multi-line JSON documents', async () => {
    const text = '[\n  {"_id": "1",\n   "person": {"name": {"firstName": "Ann"}}},\n  {"_id": "2"}\n]\n';
    const result = await ingest({
      files: [memoryFile('/in/doc.json', text)],
      format: { format: 'json', isMultiLineJson: true },
      mappings: null,
      target: targetSchema(),
      outputDir: out,
    });
    expect(result.outputRecordCount).toBe(2);
  });

  it('reads Parquet and maps it', async () => {
    const source = join(out, 'source.parquet');
    await query(`COPY (SELECT i::VARCHAR AS id, 'name' || i AS name, DATE '2020-01-01' + i::INTEGER AS day, TIMESTAMPTZ '2020-01-01 00:00:00+00' AS ts, {'city': 'Paris'} AS addr
      FROM range(1, 1001) t(i)) TO '${source}' (FORMAT parquet)`);
    const bytes = await readFile(source);
    rmSync(source);
    const mappings: FieldMapping[] = [
      { sourceType: 'ATTRIBUTE', source: 'id', destination: '_id' },
      { sourceType: 'ATTRIBUTE', source: 'name', destination: 'person.name.firstName' },
      { sourceType: 'ATTRIBUTE', source: 'day', destination: 'person.birthDate' },
      { sourceType: 'ATTRIBUTE', source: 'ts', destination: 'createdAt' },
      { sourceType: 'ATTRIBUTE', source: 'addr.city', destination: 'person.name.lastName' },
    ];
    const result = await ingest({
      files: [memoryFile('/in/s.parquet', bytes)],
      format: { format: 'parquet' },
      mappings,
      target: targetSchema(),
      outputDir: out,
    });
    expect(result.rowErrors).toEqual([]);
    expect(result.outputRecordCount).toBe(1000);
    const rows = await query(
      `SELECT count(*)::INTEGER AS n, min(person.birthDate)::VARCHAR AS d, min(person.name.lastName) AS city, min(strftime(createdAt, '%Y-%m-%d %H:%M')) AS ts FROM read_parquet('${join(out, 'part-00000.parquet')}')`,
    );
    expect(rows).toEqual([{ n: 1000, d: '2020-01-02', city: 'Paris', ts: '2020-01-01 00:00' }]);
  });

  it('fails a corrupt Parquet file as a whole', async () => {
    const result = await ingest({
      files: [memoryFile('/in/bad.parquet', 'PAR1 not really')],
      format: { format: 'parquet' },
      mappings: null,
      target: targetSchema(),
      outputDir: out,
    });
    expect(result.files[0]!.error?.code).toBe('FILE-5005');
    expect(readdirSync(out)).toEqual([]);
  });

  it('numbers parts after existing ones and stops when aborted', async () => {
    const file = memoryFile('/in/a.json', '{"_id":"1"}\n');
    await ingest({ files: [file], format: { format: 'json' }, mappings: null, target: targetSchema(), outputDir: out });
    await ingest({ files: [file, file], format: { format: 'json' }, mappings: null, target: targetSchema(), outputDir: out });
    expect(readdirSync(out).sort()).toEqual(['part-00000.parquet', 'part-00001.parquet', 'part-00002.parquet']);
    const controller = new AbortController();
    controller.abort();
    await expect(
      ingest({ files: [file], format: { format: 'json' }, mappings: null, target: targetSchema(), outputDir: out, signal: controller.signal }),
    ).rejects.toThrow();
  });
});

describe('previewFile', () => {
  it('returns the first rows and types guessed from them', async () => {
    const csv = 'id,name,score,active,joined\n1,Ann,1.5,true,2020-01-01\n2,Bob,2,false,2020-01-02\n3,Cy,,TRUE,\n';
    const preview = await previewFile(memoryFile('/in/p.csv', csv), { format: 'delimited' }, 2);
    expect(preview.columns).toEqual([
      { name: 'id', type: 'integer' },
      { name: 'name', type: 'string' },
      { name: 'score', type: 'double' },
      { name: 'active', type: 'boolean' },
      { name: 'joined', type: 'string' },
    ]);
    expect(preview.rows).toEqual([
      { id: '1', name: 'Ann', score: '1.5', active: 'true', joined: '2020-01-01' },
      { id: '2', name: 'Bob', score: '2', active: 'false', joined: '2020-01-02' },
    ]);
  });

  it('previews JSON lines with their JSON types, gzip-compressed', async () => {
    const preview = await previewFile(memoryFile('/in/p.json.gz', gzipSync('{"a":1,"b":{"c":true},"d":[1]}\n{"a":2.5}\n')), {
      format: 'json',
      compressionType: 'gzip',
    });
    expect(preview.columns).toEqual([
      { name: 'a', type: 'double' },
      { name: 'b', type: 'object' },
      { name: 'd', type: 'array' },
    ]);
    expect(preview.rows).toHaveLength(2);
  });

  it('reads only the start of a large file', async () => {
    const big = `id,v\n${Array.from({ length: 300_000 }, (_, i) => `${i},value-${i}`).join('\n')}\n`;
    let served = 0;
    const file = {
      path: '/in/big.csv',
      size: big.length,
      open: async () => {
        const { Readable } = await import('node:stream');
        const bytes = Buffer.from(big);
        return Readable.from(
          (function* () {
            for (let i = 0; i < bytes.length; i += 65536) {
              served += Math.min(65536, bytes.length - i);
              yield bytes.subarray(i, i + 65536);
            }
          })(),
        );
      },
    };
    const preview = await previewFile(file, { format: 'delimited' }, 5);
    expect(preview.rows.map((r) => r.id)).toEqual(['0', '1', '2', '3', '4']);
    expect(served).toBeLessThan(big.length);
  });
});
