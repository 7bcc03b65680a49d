import { createReadStream, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingest, type FieldMapping, type IngestRequest, type SourceFormat } from '../../src/pipeline/index.js';
import { memoryFile, query, targetSchema } from './support.js';

const hasBzip2 = (() => {
  try {
    execFileSync('bzip2', ['--help'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const MAPPINGS: FieldMapping[] = [
  { sourceType: 'ATTRIBUTE', source: 'id', destination: '_id' },
  { sourceType: 'ATTRIBUTE', source: 'first_name', destination: 'person.name.firstName' },
  { sourceType: 'ATTRIBUTE', source: 'last_name', destination: 'person.name.lastName' },
  { sourceType: 'ATTRIBUTE', source: 'email', destination: 'personalEmail.address', identity: { namespaceCode: 'Email', primary: true } },
  { sourceType: 'ATTRIBUTE', source: 'birth', destination: 'person.birthDate' },
  { sourceType: 'ATTRIBUTE', source: 'points', destination: 'loyalty.points' },
];

const CSV = [
  'id,first_name,last_name,email,birth,points',
  '1,Ann,Lee,ann@example.com,1990-01-02,10',
  '2,Bob,Short', // ragged: too few columns
  '3,"Multi',
  'line",Ray,ray@example.com,1985-12-31,', // a quoted newline; empty points → no value
  '4,Cy,Doe,not-an-email,1970-05-05,3', // fails XDM validation (email format)
  '5,Di,Fox,di@example.com,1999-02-30,4', // fails coercion: no such date
  '6,Ed,Kim,ed@example.com,2001-07-08,7,extra', // ragged: too many columns
  '7,"Quote ""Q""",Lu,lu@example.com,,notanumber', // fails coercion: integer
  '8,Flo,Zed,flo@example.com,2000-01-01,99',
  '',
].join('\n');

describe('ingest: delimited files', () => {
  let out: string;
  beforeEach(() => {
    out = mkdtempSync(join(tmpdir(), 'pipeline-test-'));
  });
  afterEach(() => rmSync(out, { recursive: true, force: true }));

  /** One ingest of a CSV text with this file's mappings, into a folder of its own; `more` overrides the request (the files, the segments). */
  const ingestCsv = async (name: string, csv: string, engineMode: 'auto' | 'javascript', more: Partial<IngestRequest> = {}) => {
    const dir = mkdtempSync(join(out, `${engineMode}-`));
    const result = await ingest({
      files: [memoryFile(`/in/${name}`, csv)],
      format: { format: 'delimited' },
      mappings: MAPPINGS,
      target: targetSchema(),
      outputDir: dir,
      engineMode,
      ...more,
    });
    return { result, dir };
  };

  it('maps, validates and writes nested Parquet; bad rows become row errors with exact counts', async () => {
    const result = await ingest({
      files: [memoryFile('/in/people.csv', CSV)],
      format: { format: 'delimited' },
      mappings: MAPPINGS,
      target: targetSchema(),
      outputDir: out,
    });

    expect(result.inputRecordCount).toBe(8);
    expect(result.outputRecordCount).toBe(3);
    expect(result.failedRecordCount).toBe(5);
    expect(result.files[0]).toMatchObject({ path: '/in/people.csv', inputRecordCount: 8, outputRecordCount: 3, failedRecordCount: 5 });
    expect(result.files[0]!.error).toBeUndefined();
    expect(result.inputBytes).toBe(Buffer.byteLength(CSV));

    const errors = result.rowErrors.map((e) => ({ row: e.row, code: e.code, field: e.field }));
    expect(errors).toEqual([
      { row: 2, code: 'PARSE-1001', field: undefined },
      { row: 4, code: 'XDM-4001', field: 'personalEmail.address' },
      { row: 5, code: 'TYPE-3001', field: 'person.birthDate' },
      { row: 6, code: 'PARSE-1001', field: undefined },
      { row: 7, code: 'TYPE-3001', field: 'loyalty.points' },
    ]);
    expect(result.rowErrors.every((e) => e.file === '/in/people.csv' && e.message.length > 0)).toBe(true);

    expect(readdirSync(out)).toEqual(['part-00000.parquet']);
    const file = join(out, 'part-00000.parquet');
    const rows = await query(`SELECT _id, person.name.firstName AS first, person.birthDate AS birth, loyalty.points AS points,
        identityMap['Email'][1].id AS email, identityMap['Email'][1].primary AS primary
      FROM read_parquet('${file}') ORDER BY _id`);
    expect(rows).toEqual([
      { _id: '1', first: 'Ann', birth: '1990-01-02', points: 10, email: 'ann@example.com', primary: true },
      { _id: '3', first: 'Multi\nline', birth: '1985-12-31', points: null, email: 'ray@example.com', primary: true },
      { _id: '8', first: 'Flo', birth: '2000-01-01', points: 99, email: 'flo@example.com', primary: true },
    ]);
    const types = await query(`SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${file}'))`);
    expect(Object.fromEntries(types.map((t) => [t.column_name, t.column_type]))).toMatchObject({
      _id: 'VARCHAR',
      person: 'STRUCT("name" STRUCT(firstName VARCHAR, lastName VARCHAR), birthDate DATE)',
      loyalty: 'STRUCT(points INTEGER)',
    });
    expect(result.outputBytes).toBeGreaterThan(0);
  });

  it('reads gzip-compressed files', async () => {
    const file = memoryFile('/in/people.csv.gz', gzipSync(CSV));
    const result = await ingest({
      files: [file],
      format: { format: 'delimited', compressionType: 'gzip' },
      mappings: MAPPINGS,
      target: targetSchema(),
      outputDir: out,
    });
    expect([result.inputRecordCount, result.outputRecordCount, result.failedRecordCount]).toEqual([8, 3, 5]);
    expect(result.inputBytes).toBe(gzipSync(CSV).length);
  });

  it('reads a semicolon-delimited ISO-8859-1 file', async () => {
    const text = 'id;first_name;last_name\n1;Zoë;Müller\n2;"A;B";Ça\n';
    const file = memoryFile('/in/latin.csv', Buffer.from(text, 'latin1'));
    const result = await ingest({
      files: [file],
      format: { format: 'delimited', columnDelimiter: ';', encoding: 'ISO-8859-1' },
      mappings: MAPPINGS.slice(0, 3),
      target: targetSchema(),
      outputDir: out,
    });
    expect(result.outputRecordCount).toBe(2);
    const rows = await query(
      `SELECT person.name.firstName AS f, person.name.lastName AS l FROM read_parquet('${join(out, 'part-00000.parquet')}') ORDER BY _id`,
    );
    expect(rows).toEqual([
      { f: 'Zoë', l: 'Müller' },
      { f: 'A;B', l: 'Ça' },
    ]);
  });

  it('fails an unreadable file alone and keeps the others', async () => {
    const broken = memoryFile('/in/broken.csv.gz', Buffer.from('this is not gzip at all'));
    const good = memoryFile('/in/good.csv.gz', gzipSync('id,first_name\n1,Ann\n'));
    const result = await ingest({
      files: [broken, good],
      format: { format: 'delimited', compressionType: 'gzip' },
      mappings: MAPPINGS.slice(0, 2),
      target: targetSchema(),
      outputDir: out,
    });
    expect(result.files[0]!.error?.code).toBe('FILE-5002');
    expect(result.files[1]).toMatchObject({ outputRecordCount: 1, failedRecordCount: 0 });
    expect(result.outputRecordCount).toBe(1);
    expect(readdirSync(out)).toEqual(['part-00000.parquet']);
  });

  it('fails a file that is not valid UTF-8 without showing local paths', async () => {
    const bytes = Buffer.concat([Buffer.from('id,first_name\n1,a\n2,'), Buffer.from([0xff, 0xfe]), Buffer.from('\n')]);
    const result = await ingest({
      files: [memoryFile('/in/bad.csv', bytes)],
      format: { format: 'delimited' },
      mappings: MAPPINGS.slice(0, 2),
      target: targetSchema(),
      outputDir: out,
    });
    expect(result.files[0]!.error?.code).toBe('FILE-5005');
    expect(result.files[0]!.error?.message).toMatch(/not utf-8/);
    expect(result.files[0]!.error?.message).not.toMatch(/tributary-ingest/);
    expect(result.outputRecordCount).toBe(0);
    expect(readdirSync(out)).toEqual([]);
  });

  it('reports an unsupported compression as a file error', async () => {
    const format = { format: 'delimited', compressionType: 'lzma' } as unknown as SourceFormat;
    const result = await ingest({ files: [memoryFile('/in/a.csv.xz', 'x')], format, mappings: MAPPINGS, target: targetSchema(), outputDir: out });
    expect(result.files[0]!.error).toMatchObject({ code: 'FILE-5003' });
    expect(result.files[0]!.error!.message).toMatch(/unsupported compressionType "lzma"/);
  });

  it.runIf(hasBzip2)('reads bzip2 files through the bzip2 program, and fails corrupt ones', async () => {
    const compressed = execFileSync('bzip2', ['-c'], { input: CSV });
    const result = await ingest({
      files: [memoryFile('/in/p.csv.bz2', compressed)],
      format: { format: 'delimited', compressionType: 'bzip2' },
      mappings: MAPPINGS,
      target: targetSchema(),
      outputDir: out,
    });
    expect([result.inputRecordCount, result.outputRecordCount, result.failedRecordCount]).toEqual([8, 3, 5]);
    const corrupt = Buffer.concat([compressed.subarray(0, 40), Buffer.alloc(40, 7)]);
    const bad = await ingest({
      files: [memoryFile('/in/bad.bz2', corrupt)],
      format: { format: 'delimited', compressionType: 'bzip2' },
      mappings: MAPPINGS,
      target: targetSchema(),
      outputDir: out,
    });
    expect(bad.files[0]!.error?.code).toBe('FILE-5002');
  });

  it('supports static values, ${…} references, and fails rows on unsupported functions', async () => {
    const text = 'id,First Name,score,active,when\n1,Ann,3.5,TRUE,2020-01-02 03:04:05\n2,Bob,x,false,1589398646000\n';
    const mappings: FieldMapping[] = [
      { sourceType: 'ATTRIBUTE', source: 'id', destination: '_id' },
      { sourceType: 'EXPRESSION', source: '${First Name}', destination: 'person.name.firstName' },
      { sourceType: 'STATIC', source: 'Static', destination: 'person.name.lastName' },
      { sourceType: 'ATTRIBUTE', source: 'active', destination: 'active' },
      { sourceType: 'ATTRIBUTE', source: 'when', destination: 'createdAt' },
      { sourceType: 'ATTRIBUTE', source: 'score', destination: 'score' },
    ];
    const result = await ingest({
      files: [memoryFile('/in/e.csv', text)],
      format: { format: 'delimited' },
      mappings,
      target: targetSchema(),
      outputDir: out,
    });
    expect(result.rowErrors.map((e) => [e.row, e.code, e.field])).toEqual([[2, 'TYPE-3001', 'score']]);
    const rows =
      await query(`SELECT _id, person.name.firstName AS f, person.name.lastName AS l, active, strftime(createdAt, '%Y-%m-%dT%H:%M:%S') AS at, score
      FROM read_parquet('${join(out, 'part-00000.parquet')}')`);
    expect(rows).toEqual([{ _id: '1', f: 'Ann', l: 'Static', active: true, at: '2020-01-02T03:04:05', score: 3.5 }]);

    const unsupported = await ingest({
      files: [memoryFile('/in/e.csv', text)],
      format: { format: 'delimited' },
      mappings: [
        ...mappings.slice(0, 1),
        { sourceType: 'EXPRESSION', source: 'concatenate(${First Name}, " ", id)', destination: 'person.name.firstName' },
      ],
      target: targetSchema(),
      outputDir: out,
    });
    expect(unsupported.failedRecordCount).toBe(2);
    expect(unsupported.rowErrors[0]).toMatchObject({ code: 'MAPPER-2001', field: 'person.name.firstName' });
    expect(unsupported.rowErrors[0]!.message).toMatch(/concatenate/);
  });

  it('handles headerless files, CRLF line ends and tabs', async () => {
    const text = '1\tAnn\r\n2\tBob\r\n';
    const result = await ingest({
      files: [memoryFile('/in/t.tsv', text)],
      format: { format: 'delimited', columnDelimiter: '\t', header: false },
      mappings: [
        { sourceType: 'ATTRIBUTE', source: '_c0', destination: '_id' },
        { sourceType: 'ATTRIBUTE', source: '_c1', destination: 'person.name.firstName' },
      ],
      target: targetSchema(),
      outputDir: out,
    });
    expect(result.outputRecordCount).toBe(2);
    const rows = await query(`SELECT _id, person.name.firstName AS f FROM read_parquet('${join(out, 'part-00000.parquet')}') ORDER BY _id`);
    expect(rows).toEqual([
      { _id: '1', f: 'Ann' },
      { _id: '2', f: 'Bob' },
    ]);
  });

  it('counts an empty file and a header-only file as zero rows', async () => {
    const result = await ingest({
      files: [memoryFile('/in/empty.csv', ''), memoryFile('/in/header.csv', 'id,first_name\n')],
      format: { format: 'delimited' },
      mappings: MAPPINGS,
      target: targetSchema(),
      outputDir: out,
    });
    expect(result.files.map((f) => [f.inputRecordCount, f.error])).toEqual([
      [0, undefined],
      [0, undefined],
    ]);
    expect(readdirSync(out)).toEqual([]);
  });
  it('numbers the rows it flags while reading a large file on several threads once, repeated rows too; a file it cannot so number takes a scratch copy', async () => {
    // Past DuckDB's read buffer, so that its threads each read a part of the file and flag rows in no order.
    const padding = 'y'.repeat(200);
    const lines = ['id,first_name,last_name,email,birth,points'];
    for (let i = 1; i <= 200_000; i++) {
      // Every 997th row is the same broken row (no e-mail), every 1,009th row is ragged.
      if (i % 997 === 0) lines.push(`dup,Ann,Lee${padding},not-an-email,1990-01-02,1`);
      else if (i % 1009 === 0) lines.push(`${i},Short`);
      else lines.push(`${i},Bo,Ray${padding},b${i}@example.com,1990-01-02,${i}`);
    }
    const run = async (csv: string, engineMode: 'auto' | 'javascript') => {
      const { result, dir } = await ingestCsv('large.csv', csv, engineMode);
      const [row] = await query(`SELECT count(*)::INTEGER AS n, count(DISTINCT _id)::INTEGER AS ids FROM '${dir}/*.parquet'`);
      return { result, row };
    };
    const csv = `${lines.join('\n')}\n`;
    expect(csv.length).toBeGreaterThan(40 * 1024 * 1024);
    const plan = await run(csv, 'auto');
    expect(plan.result.timings).toHaveProperty('findFlagged');
    expect(plan.result.timings).not.toHaveProperty('csvToScratch');
    const js = await run(csv, 'javascript');
    expect(plan.result.rowErrors).toEqual(js.result.rowErrors);
    expect(plan.row).toEqual(js.row);
    const failed = Math.floor(200_000 / 997) + Math.floor(200_000 / 1009) - Math.floor(200_000 / (997 * 1009));
    expect(plan.result.failedRecordCount).toBe(failed);
    expect(plan.result.rowErrors.slice(0, 2).map((e) => e.row)).toEqual([997, 1009]);
    // In segments of about 4 MiB (a remote file's), each read once: the numbers run on from segment to segment.
    const segmentBytes = 4 * 1024 * 1024;
    const { result: segmented } = await ingestCsv('large.csv', csv, 'auto', { segmentBytes });
    expect(segmented.timings).toHaveProperty('findFlagged');
    expect(segmented.rowErrors).toEqual(js.result.rowErrors);
    // The same file read where it lies, larger than a segment: its flagged rows could outgrow the one pass, so the plan
    // keeps a scratch copy from the start.
    const path = join(out, 'large.csv');
    writeFileSync(path, csv);
    const { result: inPlace } = await ingestCsv('large.csv', csv, 'auto', {
      files: [{ path: '/in/large.csv', size: csv.length, open: async () => createReadStream(path), localPath: async () => path }],
      segmentBytes,
    });
    expect(inPlace.timings).toHaveProperty('csvToScratch');
    expect(inPlace.timings).not.toHaveProperty('sourceToOutput');
    expect(inPlace.rowErrors).toEqual(js.result.rowErrors);
    // Lines ended by a lone CR, which DuckDB reads as line ends and the search for flagged rows does not: the plan
    // keeps a scratch copy of the rows instead, to the same numbers.
    const crLines = csv.slice(0, 2_000_000).replaceAll('\n', '\r');
    const cr = await run(crLines, 'auto');
    expect(cr.result.timings).toHaveProperty('findFlagged');
    expect(cr.result.timings).toHaveProperty('csvToScratch');
    const crJs = await run(crLines, 'javascript');
    expect(cr.result.rowErrors).toEqual(crJs.result.rowErrors);
    expect(cr.result.rowErrors.length).toBeGreaterThan(10);
    expect(cr.row).toEqual(crJs.row);
  });

  it('reads a large file with quoted line breaks, which DuckDB refuses to read in parallel with padded short rows, on one thread', async () => {
    // Past DuckDB's 32 MB read buffer, so that its parallel reader meets a quoted line break and refuses the file.
    const padding = 'x'.repeat(300);
    const lines = ['id,first_name,last_name,email,birth,points'];
    for (let i = 1; i <= 120_000; i++) {
      if (i % 10_000 === 0) lines.push(`${i},Short`);
      // A quoted field whose second line reads like the start of a row of its own.
      else lines.push(`${i},"First\nline two, ${i}\nthree",Lee${padding},p${i}@example.com,1990-01-02,${i % 5 === 0 ? 'n/a' : i}`);
    }
    const csv = `${lines.join('\n')}\n`;
    expect(csv.length).toBeGreaterThan(40 * 1024 * 1024);
    const run = async (engineMode: 'auto' | 'javascript') => {
      const { result, dir } = await ingestCsv('multiline.csv', csv, engineMode);
      const [row] = await query(
        `SELECT count(*)::INTEGER AS n, count(*) FILTER (WHERE person.name.firstName LIKE 'First' || chr(10) || 'line two, %' || chr(10) || 'three')::INTEGER AS broken FROM '${dir}/*.parquet'`,
      );
      return { result, row };
    };
    const plan = await run('auto');
    expect(plan.result.files[0]?.error).toBeUndefined();
    // The plan read it (once, on one thread), not the JavaScript path.
    expect(plan.result.timings).toHaveProperty('sourceToOutput');
    // Every tenth row is ragged (12 rows), every fifth has no number for points (24,000 rows less the ragged ones among them).
    expect(plan.result.failedRecordCount).toBe(12 + 24_000 - 12);
    expect(plan.row).toEqual({ n: 120_000 - 24_000, broken: 120_000 - 24_000 });
    const js = await run('javascript');
    expect(js.result.files[0]?.error).toBeUndefined();
    expect(js.row).toEqual(plan.row);
    expect(js.result.rowErrors).toEqual(plan.result.rowErrors);
  });
});
