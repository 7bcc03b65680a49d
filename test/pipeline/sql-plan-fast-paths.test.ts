import { createHash } from 'node:crypto';
import formatsModule from 'ajv-formats/dist/formats.js';
import { afterAll, describe, expect, it } from 'vitest';
import { openEngine, sqlString } from '../../src/pipeline/engine/duckdb.js';
import { compileSqlPlan, FORMAT_FAST_PATHS } from '../../src/pipeline/plan/sql-plan.js';
import { rootField } from '../../src/pipeline/schema/xdm-fields.js';

/**
 * The plan's shortcuts must never accept what the full test refuses: a value meeting a fast path
 * must meet the format's expression in JavaScript (what the mapper checks) and in DuckDB, and be
 * plain ASCII without a vertical tab. Random values over an alphabet of the characters that matter
 * (letters that fold to non-ASCII ones, separators, dots, digits) probe the edges.
 */
const formats = ((formatsModule as unknown as { default?: unknown }).default ?? formatsModule) as { fullFormats: Record<string, RegExp> };
const ALPHABET = [
  'a',
  'Z',
  'k',
  's',
  'K',
  '\u212a',
  '\u017f',
  '0',
  '9',
  '.',
  '..',
  '@',
  '-',
  '_',
  '~',
  '+',
  '/',
  ':',
  '%2F',
  ' ',
  '\u000b',
  'é',
  '#',
  '?',
];

function samples(count: number, seed: number, shape: (pick: () => string) => string): string[] {
  let state = seed;
  const random = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
  // Half plain letters, so that many values come near to valid and the edges are what varies.
  const pick = () => (random() < 0.5 ? 'x' : ALPHABET[Math.floor(random() * ALPHABET.length)]!);
  return Array.from({ length: count }, () => shape(pick));
}

describe('fast paths of the SQL plan', () => {
  const engine = openEngine();
  afterAll(async () => (await engine).close());

  it('are pinned to the installed ajv-formats expressions (so they are in use)', () => {
    for (const [format, { sha256 }] of Object.entries(FORMAT_FAST_PATHS)) {
      expect(createHash('sha256').update(formats.fullFormats[format]!.source).digest('hex'), format).toBe(sha256);
    }
  });

  for (const [format, { fast }] of Object.entries(FORMAT_FAST_PATHS)) {
    it(`${format}: a value the fast path accepts, the full test accepts`, async () => {
      const full = formats.fullFormats[format]!;
      const values = [
        ...samples(3000, 7, (pick) => Array.from({ length: 1 + (pick().length % 6) * 2 }, pick).join('')),
        ...samples(3000, 11, (pick) => `${pick()}${pick()}.${pick()}@${pick()}${pick()}.${pick()}${pick()}`),
        'ann@example.com',
        'a.b-c_d@x-y.example.org',
        'p-1',
        'A~b.c',
        '.a@b.c',
        'a..b@c.d',
        'a@-b.c',
        'a@b',
        'KELVIN@\u212aelvin.com',
      ];
      const { connection } = await engine;
      await connection.run(`CREATE OR REPLACE TABLE v AS SELECT unnest([${values.map(sqlString).join(', ')}]) AS v`);
      const rows = (
        await connection.runAndReadAll(
          `SELECT v, regexp_full_match(v, ${sqlString(fast)}) AS fast, regexp_matches(v, ${sqlString(`(?i)${full.source}`)}) AS duck FROM v`,
        )
      ).getRowObjectsJS() as Array<{ v: string; fast: boolean; duck: boolean }>;
      const accepted = rows.filter((r) => r.fast);
      expect(accepted.length).toBeGreaterThan(20);
      expect(rows.some((r) => !r.fast && r.duck && full.test(r.v))).toBe(true);
      for (const { v, duck } of accepted) {
        expect(new RegExp(`^(?:${fast})$`).test(v), v).toBe(true);
        // biome-ignore lint/suspicious/noControlCharactersInRegex: the check is over all of ASCII but the line feed.
        expect({ v, js: full.test(v), duck, ascii: /^[\x00-\x0a\x0c-\x7f]*$/.test(v) }).toEqual({ v, js: true, duck: true, ascii: true });
      }
    });
  }

  it('integers: plain digits too few to leave the range skip the shape and range tests', () => {
    const schema = { type: 'object', properties: { n: { type: 'integer', 'meta:xdmType': 'int' }, s: { type: 'integer', 'meta:xdmType': 'short' } } };
    const plan = compileSqlPlan(
      [
        { sourceType: 'ATTRIBUTE', source: 'n', destination: 'n' },
        { sourceType: 'ATTRIBUTE', source: 's', destination: 's' },
      ],
      rootField(schema),
      schema,
      ['n', 's'],
    );
    expect(plan?.ok).toContain(`regexp_full_match(NULLIF(c0, ''), '\\d{1,9}')`);
    expect(plan?.ok).toContain(`regexp_full_match(NULLIF(c1, ''), '\\d{1,4}')`);
  });

  it('dates: a value that is its own date written back meets the date shape and is a date', async () => {
    const schema = { type: 'object', properties: { d: { type: 'string', format: 'date', 'meta:xdmType': 'date' } } };
    const plan = compileSqlPlan([{ sourceType: 'ATTRIBUTE', source: 'd', destination: 'd' }], rootField(schema), schema, ['d']);
    // The date is cast once, as a shared value the check reads.
    expect(plan!.shared).toEqual([{ name: '__v0', sql: "TRY_CAST(NULLIF(c0, '') AS DATE)" }]);
    const check = plan!.ok.split(' AND (').find((c) => c.includes('__v0::VARCHAR'))!;
    const [fast, full] = [
      check.slice(check.indexOf(' OR (') + 5, check.indexOf(') OR (')),
      check.slice(check.indexOf(') OR (') + 6).replace(/\)+$/, ''),
    ];
    expect(fast).toContain('::VARCHAR');
    const values = [
      '2024-01-02',
      '1999-12-31',
      '2024-02-29',
      '2023-02-29',
      '2024-02-30',
      '0999-01-01',
      '0001-01-01',
      '10000-01-01',
      '2024-1-2',
      ' 2024-01-02',
      '2024-01-02 ',
      '2024/01/02',
      '20240102',
      '2024-01-02T00:00:00',
      '1000-01-01',
      '9999-12-31',
      '-2024-01-02',
      '2024-13-01',
      '2024-00-10',
      '2024-01-00',
      'infinity',
      'epoch',
      '1970-01-01 (BC)',
      '١٩٩٠-٠١-٠٢',
    ];
    const { connection } = await engine;
    await connection.run(`CREATE OR REPLACE TABLE d AS SELECT unnest([${values.map(sqlString).join(', ')}]) AS c0`);
    const rows = (
      await connection.runAndReadAll(
        `SELECT c0, coalesce(${fast.replaceAll("NULLIF(c0, '')", 'c0')}, false) AS fast, coalesce(${full.replaceAll("NULLIF(c0, '')", 'c0')}, false) AS full FROM (SELECT *, TRY_CAST(c0 AS DATE) AS __v0 FROM d)`,
      )
    ).getRowObjectsJS() as Array<{ c0: string; fast: boolean; full: boolean }>;
    expect(rows.filter((r) => r.fast).map((r) => r.c0)).toEqual(['2024-01-02', '1999-12-31', '2024-02-29', '1000-01-01', '9999-12-31']);
    for (const r of rows) if (r.fast) expect(r.full, r.c0).toBe(true);
  });

  it('integers: the schema bounds join the shortcut only when every plain-digit value meets them', () => {
    const schema = {
      type: 'object',
      properties: { a: { type: 'integer', 'meta:xdmType': 'int', minimum: 0 }, b: { type: 'integer', 'meta:xdmType': 'int', minimum: 1 } },
    };
    const plan = compileSqlPlan(
      [
        { sourceType: 'ATTRIBUTE', source: 'a', destination: 'a' },
        { sourceType: 'ATTRIBUTE', source: 'b', destination: 'b' },
      ],
      rootField(schema),
      schema,
      ['a', 'b'],
    );
    // a: one term, the bound inside the full test; b: the bound (0 is a plain-digit value below it) stays a term of its own.
    expect(plan!.ok).toMatch(/NULLIF\(c0, ''\) IS NULL OR regexp_full_match\(NULLIF\(c0, ''\), '\\d\{1,9\}'\) OR \(regexp_full_match[\s\S]*>= 0\)\)/);
    // The integer part is computed once, as a shared value, for the range test, the bound and the output.
    expect(plan!.shared).toContainEqual({ name: '__v1', sql: "TRY_CAST(split_part(NULLIF(c1, ''), '.', 1) AS BIGINT)" });
    expect(plan!.ok).toContain(`(NULLIF(c1, '') IS NULL OR (TRY_CAST(__v1 AS INTEGER) >= 1))`);
  });
});
