import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ingest, type FieldMapping, type IngestResult, type SourceFormat } from '../../src/pipeline/index.js';
import { memoryFile, PROFILE_SCHEMA, query, targetSchema } from './support.js';

/**
 * The compiled plan and the JavaScript mapper must give the same rows and the same errors for JSON
 * lines, multi-line JSON and Parquet (nested sources), compressed or not: each file holds values
 * either path could get wrong, and goes through both.
 */
const SCHEMA: Record<string, unknown> = {
  ...PROFILE_SCHEMA,
  properties: {
    ...(PROFILE_SCHEMA.properties as Record<string, unknown>),
    home: { type: 'object', properties: { city: { type: 'string' }, zip: { type: 'string' } }, required: ['city'] },
  },
};

const MAPPINGS: FieldMapping[] = [
  { sourceType: 'ATTRIBUTE', source: 'id', destination: '_id', identity: { namespaceCode: 'CRM', primary: true } },
  { sourceType: 'EXPRESSION', source: 'concat(user.name.first, " ", user.name.last)', destination: 'person.name.firstName' },
  { sourceType: 'EXPRESSION', source: 'upper(trim(user.name.last))', destination: 'person.name.lastName' },
  { sourceType: 'EXPRESSION', source: 'lower(user.email)', destination: 'personalEmail.address', identity: { namespaceCode: 'Email' } },
  { sourceType: 'ATTRIBUTE', source: 'user.birth', destination: 'person.birthDate' },
  { sourceType: 'ATTRIBUTE', source: 'stats.points', destination: 'loyalty.points' },
  { sourceType: 'ATTRIBUTE', source: 'createdAt', destination: 'createdAt' },
  { sourceType: 'ATTRIBUTE', source: 'stats.score', destination: 'score' },
  { sourceType: 'ATTRIBUTE', source: 'active', destination: 'active' },
  { sourceType: 'ATTRIBUTE', source: 'home.city', destination: 'home.city' },
  { sourceType: 'ATTRIBUTE', source: 'home.zip', destination: 'home.zip' },
];

const user = (first: unknown, last: unknown, email: unknown, birth: unknown) => ({ name: { first, last }, email, birth });

/** Records with every kind of value either path could read or judge otherwise. */
const RECORDS: unknown[] = [
  {
    id: 'p-1',
    user: user('Ann', '  Lee\t', 'ann@example.com', '1990-01-02'),
    stats: { points: 12, score: 1.5 },
    createdAt: '2024-01-02T03:04:05Z',
    active: true,
    home: { city: 'London', zip: 'E1' },
  },
  // Wrong types and impossible values.
  {
    id: 'p-2',
    user: user('Bob', 'Ray', 'not an email', '1990-02-30'),
    stats: { points: 'x', score: 'abc' },
    active: 'maybe',
    home: { city: 'Paris' },
  },
  // Numbers as JSON writes them otherwise than JavaScript, strings that coerce.
  {
    id: 'p-3',
    user: user('Cy', 'Doe', 'cy@example.com', '19900102'),
    stats: { points: 12.0, score: 1e3 },
    active: 'FALSE',
    home: { city: 'Oslo', zip: 1.0 },
  },
  // Unicode, a number into a string field, an integer out of range.
  {
    id: 'p-4',
    user: user('Dée', 'Ünal', 'dee@exämple.com', 631152000000),
    stats: { points: 2147483648, score: -0.25 },
    createdAt: 1704164645000,
    active: 'TRUE',
    home: { city: 'São Paulo', zip: 75001 },
  },
  // A required field missing; an array where a string belongs; an array on the path.
  { id: 'p-5', user: user(['A', 'B'], 'Short', null, null), home: { zip: 'Z' } },
  { id: 'p-6', user: [1, 2], stats: { points: '  7 ', score: '.5' }, home: { city: 'Rome' } },
  // Nulls all along, an object where a value belongs.
  { id: 'p-7', user: null, stats: { points: null, score: null }, createdAt: null, active: null, home: { city: { name: 'x' } } },
  // Numbers and booleans into string fields, a number past 2^53.
  {
    id: 8,
    user: user('Eve', true, 'eve@example.com', '2000-12-31'),
    stats: { points: '+5', score: 7 },
    active: false,
    home: { city: 'Bern', zip: 123 },
  },
  {
    id: 'p-9',
    user: user('Fay "Q"\n', 'Wu\u00a0', 'FAY@EXAMPLE.COM', '0999-01-01'),
    stats: { points: 3 },
    createdAt: '2024-01-02T24:00:00Z',
    active: true,
    home: { city: '' },
  },
  // No value for the source's fields (concat still gives " ").
  {},
  { other: 1 },
  // Valid but for the schema: a required field missing, an address that is no email.
  { id: 'p-13', user: user('Hal', 'Ek', 'hal@example.com', null), home: { zip: 'Z' } },
  { id: 'p-14', user: user('Ida', 'Li', 'not an email', null), home: { city: 'Kyiv' } },
  {
    id: 'p-12',
    user: user('Gil', 'Ng', 'gil@example.com', '2001-01-01'),
    stats: { points: 1, score: 1 },
    createdAt: '2024-12-31T23:59:59.123456Z',
    home: { city: '名前' },
  },
];

/** JSON lines: the records, and lines only the JavaScript reader judges rightly. */
const LINES = [
  ...RECORDS.map((r) => JSON.stringify(r)),
  '[1,2,3]',
  '"text"',
  '{"id":"p-broken", oops',
  '',
  '   ',
  '{"id":"p-trailing","home":{"city":"X"},}',
  '{"id":"p-nan","stats":{"score":NaN},"home":{"city":"X"}}',
  '\ufeff{"id":"p-bom","home":{"city":"BOM"}}',
  // A dotted key that is also a path: JavaScript takes the key.
  '{"id":"p-dotted","home.city":"Direct","home":{"city":"Walk"}}',
  // The same key present as null: JavaScript takes it (no value), not the path's.
  '{"id":"p-dotted-null","home.city":null,"home":{"city":"Walk"}}',
  // The path only, in a line the plan's one look finds nothing suspect in.
  '{"id":"p-walk","home":{"city":"Walk"}}',
  '{"id":"p-escaped","user":{"name":{"first":"A\\"B\\u00e9\\n","last":"\\u0041"}},"home":{"city":"\\u00e9"}}',
  '{"id":"p-crlf","home":{"city":"CR"}}\r',
  // Number tokens JSON.stringify never writes: DuckDB writes them back otherwise than String() does.
  '{"id":"p-big","home":{"city":"Big","zip":12345678901234567890}}',
  '{"id":"p-num","stats":{"points":12.0,"score":1E3},"home":{"city":"Nums","zip":1.50}}',
  '{"id":"p-exp","stats":{"points":1e2},"home":{"city":-0,"zip":1e21}}',
].join('\n');

/** The same records as one pretty-printed document (a top-level array), with elements that are no objects. */
const DOCUMENT = `[\n${[...RECORDS, [1, 2], 'text', null].map((r) => JSON.stringify(r, null, 2)).join(',\n')}\n]\n`;

describe('compiled plan and JavaScript mapper agree on JSON and Parquet', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const tempDir = (prefix: string) => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };

  async function run(
    name: string,
    content: string | Buffer,
    format: SourceFormat,
    engineMode: 'auto' | 'javascript',
    engine?: { scratchTableBytes?: number; capturedRows?: number },
  ) {
    const out = tempDir(`parity-${engineMode}-`);
    const result = await ingest({
      files: [memoryFile(`/in/${name}`, content)],
      format,
      mappings: MAPPINGS,
      target: targetSchema(SCHEMA),
      outputDir: out,
      engineMode,
      ...(engine ? { engine } : {}),
    });
    if (process.env.DEBUG_PARITY) console.log(name, engineMode, JSON.stringify(result, null, 1));
    const rows = result.outputRecordCount
      ? await query(`SELECT to_json(t)::VARCHAR AS row FROM read_parquet('${join(out, 'part-*.parquet')}', union_by_name = true) t ORDER BY _id`)
      : [];
    return { result, rows: rows.map((r) => JSON.parse(r.row as string) as Record<string, unknown>) };
  }

  const sorted = (result: IngestResult) =>
    [...result.rowErrors].sort((a, b) => a.row - b.row || a.code.localeCompare(b.code) || a.message.localeCompare(b.message));
  const counts = (result: IngestResult) => [result.inputRecordCount, result.outputRecordCount, result.failedRecordCount];

  /** Runs a file through both engines (and the plan with a Parquet scratch copy) and compares everything. */
  async function compare(name: string, content: string | Buffer, format: SourceFormat, planned = true) {
    const js = await run(name, content, format, 'javascript');
    expect(js.result.timings?.count).toBeUndefined();
    for (const engine of [undefined, { scratchTableBytes: 0 }]) {
      const sql = await run(name, content, format, 'auto', engine);
      // The plan ran (its scratch copy was counted), or, for a file it cannot read alike, the JavaScript path did.
      expect(sql.result.timings?.count !== undefined).toBe(planned);
      expect(sorted(sql.result)).toEqual(sorted(js.result));
      expect(counts(sql.result)).toEqual(counts(js.result));
      expect(sql.result.files.map((f) => f.error)).toEqual(js.result.files.map((f) => f.error));
      expect(sql.rows).toEqual(js.rows);
    }
    return js;
  }

  it('JSON lines, plain and gzip-compressed', async () => {
    const js = await compare('rows.json', LINES, { format: 'json' });
    // The file exercises both outcomes: rows landed and rows refused, for reasons of every kind.
    expect(js.result.outputRecordCount).toBeGreaterThan(5);
    expect(new Set(js.result.rowErrors.map((e) => e.code))).toEqual(new Set(['MAPPER-2004', 'PARSE-1002', 'TYPE-3001', 'XDM-4001']));
    expect(js.rows.find((r) => r._id === 'p-num')).toMatchObject({ loyalty: { points: 12 }, score: 1000, home: { city: 'Nums', zip: '1.5' } });
    expect(js.rows.find((r) => r._id === 'p-dotted')).toMatchObject({ home: { city: 'Direct' } });
    expect(js.rows.find((r) => r._id === 'p-walk')).toMatchObject({ home: { city: 'Walk' } });
    const dottedNull = js.rows.find((r) => r._id === 'p-dotted-null');
    expect(dottedNull).toBeDefined();
    expect((dottedNull?.home as { city?: unknown } | undefined)?.city).toBeUndefined();
    expect(js.rows.find((r) => r._id === '8')).toMatchObject({
      person: { name: { firstName: 'Eve true' } },
      home: { city: 'Bern', zip: '123' },
    });
    expect(js.rows.find((r) => r._id === 'p-big')).toMatchObject({ home: { zip: '12345678901234567000' } });
    await compare('rows.json.gz', gzipSync(LINES), { format: 'json', compressionType: 'gzip' });
    // Without a line DuckDB cannot read, every flagged record (a BOM, escapes, lenient syntax, CRLF) is
    // parsed from the text DuckDB kept of its line; with one, the lines from it on are read again.
    const readable = LINES.split('\n').filter((line) => !line.includes('oops'));
    const whole = await compare('readable.json', readable.join('\n'), { format: 'json' });
    expect(whole.result.rowErrors.length).toBe(js.result.rowErrors.length - 1);
  });

  it('a JSON lines file DuckDB would number otherwise goes to the JavaScript path whole', async () => {
    // A line of only a no-break space is blank to JavaScript and a broken record to DuckDB.
    await compare(
      'odd.json',
      `${RECORDS.slice(0, 4)
        .map((r) => JSON.stringify(r))
        .join('\n')}\n\u00a0\n{"id":"last","home":{"city":"X"}}\n`,
      { format: 'json' },
      false,
    );
    // So does a file the JavaScript reader fails (not UTF-8): same failure, same errors before it.
    const broken = Buffer.concat([Buffer.from(`${LINES}\n`), Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d, 0x0a])]);
    const js = await compare('broken.json', broken, { format: 'json' }, false);
    expect(js.result.files[0]?.error?.code).toBe('FILE-5005');
  });

  it('multi-line JSON, plain and gzip-compressed', async () => {
    const js = await compare('doc.json', DOCUMENT, { format: 'json', isMultiLineJson: true });
    expect(js.result.outputRecordCount).toBeGreaterThan(3);
    expect(js.result.rowErrors.filter((e) => e.code === 'PARSE-1002')).toHaveLength(3);
    await compare('doc.json.gz', gzipSync(DOCUMENT), { format: 'json', isMultiLineJson: true, compressionType: 'gzip' });
    // A trailing comma DuckDB reads and JSON.parse refuses fails the file in both engines alike.
    const lenient = await compare('lenient.json', '[{"id":"a","home":{"city":"X"}},\n{"id":"b","home":{"city":"Y"},}]', {
      format: 'json',
      isMultiLineJson: true,
    });
    expect(lenient.result.files[0]?.error?.code).toBe('FILE-5005');
  });

  it('Parquet with nested columns, snappy and gzip inside', async () => {
    const dir = tempDir('parity-parquet-');
    const rows = `SELECT * FROM (VALUES
      ('p-1', {'name': {'first': 'Ann', 'last': '  Lee\t'}, 'email': 'ann@example.com', 'birth': DATE '1990-01-02'}, {'points': 12::BIGINT, 'score': 1.5::DOUBLE, 'ratio': 0.1::FLOAT, 'price': 3.00::DECIMAL(6,2)}, TIMESTAMPTZ '2024-01-02 03:04:05+00', true, {'city': 'London', 'zip': 'E1'}, ['a', 'b']),
      ('p-2', {'name': {'first': 'Bob', 'last': 'Ray'}, 'email': 'not an email', 'birth': DATE '1990-02-28'}, {'points': 2147483648::BIGINT, 'score': -0.25::DOUBLE, 'ratio': NULL::FLOAT, 'price': 1.50::DECIMAL(6,2)}, NULL, false, {'city': NULL, 'zip': 'Z'}, NULL),
      ('p-3', {'name': {'first': 'Dée', 'last': 'Ünal'}, 'email': 'DEE@EXAMPLE.COM', 'birth': NULL}, {'points': -7::BIGINT, 'score': 1e300::DOUBLE, 'ratio': 2.5::FLOAT, 'price': NULL}, TIMESTAMPTZ '2024-12-31 23:59:59.123456+00', NULL, {'city': 'São Paulo', 'zip': NULL}, []),
      (NULL, NULL, NULL, NULL, NULL, NULL, NULL),
      ('p-5', {'name': {'first': NULL, 'last': '名前'}, 'email': 'x@example.com', 'birth': DATE '2001-01-01'}, {'points': 9007199254740993::BIGINT, 'score': 3.0::DOUBLE, 'ratio': 1::FLOAT, 'price': 2.25::DECIMAL(6,2)}, NULL, true, {'city': 'Oslo', 'zip': 'N'}, ['c'])
    ) t(id, "user", stats, createdAt, active, home, tags)`;
    for (const codec of ['snappy', 'gzip']) {
      const path = join(dir, `${codec}.parquet`);
      await query(`COPY (${rows}) TO '${path}' (FORMAT parquet, COMPRESSION ${codec})`);
      const js = await compare(`s-${codec}.parquet`, readFileSync(path), { format: 'parquet' });
      expect(js.result.outputRecordCount).toBeGreaterThan(1);
      expect(js.result.failedRecordCount).toBeGreaterThan(1);
    }
    // A NaN anywhere fails the file in the JavaScript reader (to_json writes bare NaN): the plan fails it alike.
    const nan = join(dir, 'nan.parquet');
    await query(
      `COPY (SELECT 'p-' || i AS id, {'city': 'X'} AS home, CASE WHEN i = 3 THEN 'nan'::DOUBLE ELSE i END AS unused FROM range(5) r(i)) TO '${nan}' (FORMAT parquet)`,
    );
    const failed = await compare('nan.parquet', readFileSync(nan), { format: 'parquet' });
    expect(failed.result.files[0]?.error?.code).toBe('FILE-5005');
  });

  it('Parquet read in one pass: rows numbered across row groups, none or every row flagged', async () => {
    const dir = tempDir('parity-parquet-groups-');
    // Small row groups, read by several threads: the flagged rows' numbers must still be their places in the file.
    const rows = (bad: string) => `SELECT 'p-' || i AS id,
        {'name': {'first': 'F' || i, 'last': 'L'}, 'email': CASE WHEN ${bad} THEN 'no email ' || i ELSE 'u' || i || '@example.com' END, 'birth': DATE '1990-01-02'} AS "user",
        {'points': i, 'score': i / 4} AS stats, TIMESTAMPTZ '2024-01-02 03:04:05+00' + INTERVAL (i) SECOND AS createdAt, i % 2 = 0 AS active,
        {'city': CASE WHEN ${bad} AND i % 2 = 1 THEN NULL ELSE 'C' || (i % 7) END, 'zip': 'Z'} AS home
      FROM range(6000) r(i)`;
    for (const [name, bad] of [
      ['spread', 'i % 97 = 3 OR i % 101 = 4 OR i = 5999'],
      ['none', 'false'],
      ['every', 'true'],
    ] as const) {
      const path = join(dir, `${name}.parquet`);
      await query(`COPY (${rows(bad)}) TO '${path}' (FORMAT parquet, ROW_GROUP_SIZE 500)`);
      const js = await compare(`${name}.parquet`, readFileSync(path), { format: 'parquet' });
      const sql = await run(`${name}.parquet`, readFileSync(path), { format: 'parquet' }, 'auto');
      // The plan read the file once, with no scratch copy of every row: the flagged rows were caught on the way.
      expect(sql.result.timings).toHaveProperty('sourceToOutput');
      expect(sql.result.timings).not.toHaveProperty('sourceToFlagged');
      expect(sql.result.timings).not.toHaveProperty('csvToScratch');
      // More flagged rows than the capture holds: the plan reads the file twice instead, to the same rows and errors.
      const twice = await run(`${name}.parquet`, readFileSync(path), { format: 'parquet' }, 'auto', { capturedRows: 10 });
      expect(twice.result.timings).toHaveProperty(name === 'none' ? 'sourceToOutput' : 'sourceToFlagged');
      expect(sorted(twice.result)).toEqual(sorted(js.result));
      expect(counts(twice.result)).toEqual(counts(js.result));
      expect(twice.rows).toEqual(js.rows);
      const failed = js.result.rowErrors.map((e) => e.row);
      if (name === 'none') expect(failed).toEqual([]);
      if (name === 'every') expect(js.result.outputRecordCount).toBe(0);
      if (name === 'spread') {
        expect(failed).toContain(6000);
        expect(failed).toContain(4);
        expect(js.result.outputRecordCount).toBeGreaterThan(5000);
      }
    }
  });
});
