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
const ALPHABET = ['a', 'Z', 'k', 's', 'K', '\u212a', '\u017f', '0', '9', '.', '..', '@', '-', '_', '~', '+', '/', ':', '%2F', ' ', '\u000b', 'é', '#', '?'];

function samples(count: number, seed: number, shape: (pick: () => string) => string): string[] {
  let state = seed;
  const random = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
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
        'ann@example.com', 'a.b-c_d@x-y.example.org', 'p-1', 'A~b.c', '.a@b.c', 'a..b@c.d', 'a@-b.c', 'a@b', 'KELVIN@\u212aelvin.com',
      ];
      const { connection } = await engine;
      await connection.run(`CREATE OR REPLACE TABLE v AS SELECT unnest([${values.map(sqlString).join(', ')}]) AS v`);
      const rows = (await connection.runAndReadAll(`SELECT v, regexp_full_match(v, ${sqlString(fast)}) AS fast, regexp_matches(v, ${sqlString(`(?i)${full.source}`)}) AS duck FROM v`)).getRowObjectsJS() as Array<{ v: string; fast: boolean; duck: boolean }>;
      const accepted = rows.filter((r) => r.fast);
      expect(accepted.length).toBeGreaterThan(20);
      expect(rows.some((r) => !r.fast && r.duck && full.test(r.v))).toBe(true);
      for (const { v, duck } of accepted) {
        expect(new RegExp(`^(?:${fast})$`).test(v), v).toBe(true);
        expect({ v, js: full.test(v), duck, ascii: /^[\x00-\x0a\x0c-\x7f]*$/.test(v) }).toEqual({ v, js: true, duck: true, ascii: true });
      }
    });
  }

  it('integers: plain digits too few to leave the range skip the shape and range tests', () => {
    const schema = { type: 'object', properties: { n: { type: 'integer', 'meta:xdmType': 'int' }, s: { type: 'integer', 'meta:xdmType': 'short' } } };
    const plan = compileSqlPlan([{ sourceType: 'ATTRIBUTE', source: 'n', destination: 'n' }, { sourceType: 'ATTRIBUTE', source: 's', destination: 's' }], rootField(schema), schema, ['n', 's']);
    expect(plan?.ok).toContain(`regexp_full_match(NULLIF(c0, ''), '\\d{1,9}')`);
    expect(plan?.ok).toContain(`regexp_full_match(NULLIF(c1, ''), '\\d{1,4}')`);
  });
});
