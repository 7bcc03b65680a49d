import { afterAll, describe, expect, it } from 'vitest';
import type { FieldMapping } from '../contracts.js';
import { openEngine } from '../engine/duckdb.js';
import { rootField } from '../schema/xdm-fields.js';
import { acceptedOrElse } from './run-plan.js';
import { compileSqlPlan } from './sql-plan.js';

const SCHEMA = {
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string' },
    person: {
      type: 'object',
      properties: {
        age: { type: 'integer', 'meta:xdmType': 'byte' },
        email: { type: 'string', maxLength: 5 },
        tags: { type: 'array', items: { type: 'string' } },
        born: { type: 'string', format: 'date' },
        code: { type: 'string', pattern: '^[A-Z]+$' },
        score: { type: 'number', minimum: 0 },
      },
    },
  },
};
const ROOT = rootField(SCHEMA);

const attr = (source: string, destination: string): FieldMapping => ({ sourceType: 'ATTRIBUTE', source, destination });
const expr = (source: string, destination: string): FieldMapping => ({ sourceType: 'EXPRESSION', source, destination });
const plan = (mappings: FieldMapping[] | null, columns: string[]) => compileSqlPlan(mappings, ROOT, SCHEMA, columns);

describe('compileSqlPlan: the SQL it writes', () => {
  it('maps one column: the row-shape checks, the required field, and a non-empty row', () => {
    expect(plan([attr('n', 'name')], ['n'])).toEqual({
      ok: "(c1 IS NULL) AND (c0 IS NOT NULL) AND (NOT (true) OR (NULLIF(c0, '') IS NOT NULL)) AND ((NULLIF(c0, '') IS NOT NULL))",
      columns: [{ name: 'name', sql: "NULLIF(c0, '')::VARCHAR" }],
      topLevel: ['name'],
      regexes: [],
      derived: [],
      shared: [],
      functions: [],
    });
  });

  it('builds nested objects with struct_pack, typed as the Parquet writer types them, NULL when nothing below has a value', () => {
    const result = plan([attr('n', 'name'), expr('upper(a)', 'person.email'), attr('age', 'person.age')], ['n', 'a', 'age']);
    expect(result?.topLevel).toEqual(['name', 'person']);
    // upper(a) and the integer part of age are read by the verdict and the output: each is computed once.
    expect(result?.shared).toEqual([
      { name: '__v0', sql: "upper(NULLIF(c1, ''))" },
      { name: '__v1', sql: "TRY_CAST(split_part(NULLIF(c2, ''), '.', 1) AS BIGINT)" },
    ]);
    expect(result?.columns).toEqual([
      { name: 'name', sql: "NULLIF(c0, '')::VARCHAR" },
      {
        name: 'person',
        sql:
          "CASE WHEN __v0 IS NOT NULL OR NULLIF(c2, '') IS NOT NULL THEN struct_pack(" +
          '"age" := TRY_CAST(__v1 AS TINYINT), "email" := __v0, ' +
          '"tags" := NULL::VARCHAR[], "born" := NULL::DATE, "code" := NULL::VARCHAR, "score" := NULL::DOUBLE' +
          ') END::STRUCT("age" TINYINT, "email" VARCHAR, "tags" VARCHAR[], "born" DATE, "code" VARCHAR, "score" DOUBLE)',
      },
    ]);
    // upper() on ASCII only, maxLength counted on ASCII only, the byte range, then the required name.
    expect(result?.ok).toBe(
      [
        '(c3 IS NULL)',
        '(c2 IS NOT NULL)',
        "(NULLIF(c1, '') IS NULL OR strlen(NULLIF(c1, '')) = length(NULLIF(c1, '')))",
        '(__v0 IS NULL OR (strlen(__v0) = length(__v0) AND length(__v0) <= 5))',
        "(NULLIF(c2, '') IS NULL OR regexp_full_match(NULLIF(c2, ''), '\\d{1,2}') OR (regexp_full_match(NULLIF(c2, ''), '[+-]?\\d{1,15}(\\.0*)?') AND __v1 BETWEEN -128 AND 127))",
        "(NOT (true) OR (NULLIF(c0, '') IS NOT NULL))",
        "((__v0 IS NOT NULL OR NULLIF(c0, '') IS NOT NULL OR NULLIF(c2, '') IS NOT NULL))",
      ].join(' AND '),
    );
  });

  it('writes static values and string literals as SQL strings (quotes doubled), and an unknown column as NULL', () => {
    const result = plan([{ sourceType: 'STATIC', source: "O'Brien", destination: 'name' }, expr('missing', 'person.email')], ['x']);
    expect(result?.columns[0]).toEqual({ name: 'name', sql: "'O''Brien'::VARCHAR" });
    expect(result?.columns[1]?.sql).toContain('"email" := NULL::VARCHAR');
  });

  it('tests a value read for several uses only for the strictest, and a repeated condition once', () => {
    // A source whose checks name their use: `typed` < `string` < `expression`.
    const source = {
      value: (name: string) => ({ text: `v_${name}`, faithful: (use: string) => `ok_${name}_${use}` }),
      rowChecks: [],
    };
    const checks = (mappings: FieldMapping[]) =>
      (compileSqlPlan(mappings, ROOT, SCHEMA, source)?.ok ?? '').split(' AND ').filter((c) => c.startsWith('(ok_'));
    // name (string) then upper(name) (expression): the stricter check replaces the looser one, in its place.
    expect(checks([attr('a', 'name'), attr('b', 'person.score'), expr('upper(a)', 'person.email'), attr('b', 'person.age')])).toEqual([
      '(ok_a_expression)',
      '(ok_b_typed)',
    ]);
    // The stricter first: the looser ones add nothing.
    expect(checks([expr('lower(a)', 'person.email'), attr('a', 'name'), attr('a', 'person.age')])).toEqual(['(ok_a_expression)']);
    // lower(a) twice checks its input for ASCII once.
    const twice = compileSqlPlan([expr('lower(a)', 'person.email'), expr('lower(a)', 'person.code')], ROOT, SCHEMA, source)?.ok ?? '';
    expect(twice.split('(v_a IS NULL OR strlen(v_a) = length(v_a))').length).toBe(2);
  });

  it('lists the regular expressions the engine must accept', () => {
    expect(plan([attr('n', 'name'), attr('c', 'person.code')], ['n', 'c'])?.regexes).toEqual(['^[A-Z]+$']);
  });
});

describe('compileSqlPlan: what it leaves to the JavaScript mapper (null)', () => {
  it('refuses no mappings, unknown destinations, arrays, and expressions the row mapper cannot compile either', () => {
    expect(plan(null, ['n'])).toBeNull();
    expect(plan([], ['n'])).toBeNull();
    expect(plan([attr('n', 'nosuch')], ['n'])).toBeNull();
    expect(plan([attr('t', 'person.tags')], ['t'])).toBeNull();
    for (const source of ['nosuch(n)', 'lower(n, n)', 'sha1()', 'n.nosuch()']) {
      expect(plan([expr(source, 'name')], ['n']), source).toBeNull();
    }
  });

  it('accepts the expressions it can write exactly', () => {
    for (const source of ['n', '"x"', 'null', 'concat(n, "-", n)', 'lcase(n)', 'UPPER(n)', 'trim(n)', 'ltrim(n)', 'rtrim(n)']) {
      expect(plan([expr(source, 'name')], ['n'])?.functions, source).toEqual([]);
    }
  });

  it('runs every other expression, whole, as one vectorized function reading the columns it names', () => {
    for (const source of ['sha1(n)', 'n + "x"', '1', 'true', 'iif(n, "a", "b")', 'concat()', 'upper(substr(n, 0, 3))', 'uuid()']) {
      const result = plan([expr(source, 'name')], ['n']);
      expect(result?.functions, source).toHaveLength(1);
      expect(result?.derived, source).toEqual([
        { name: '__f0', sql: `${result?.functions[0]?.name}(${/\bn\b/.test(source) ? "NULLIF(c0, '')" : ''})` },
      ]);
      expect(result?.columns[0]?.sql, source).toBe('substr(__f0, 2)::VARCHAR');
      expect(result?.ok, source).toContain("(__f0 IS DISTINCT FROM 'f')");
    }
  });

  it('shares values of the raw fields only: a cast of a function result stays inline, whatever a literal holds', () => {
    const fromFunction = plan([expr('sha1(n)', 'person.born')], ['n']);
    expect(fromFunction?.shared).toEqual([]);
    expect(fromFunction?.columns[0]?.sql).toContain('TRY_CAST(substr(__f0, 2) AS DATE)');
    expect(plan([expr('concat(n, "__f1")', 'name')], ['n'])?.shared).toEqual([
      { name: '__v0', sql: "CASE WHEN coalesce(NULLIF(c0, ''), '__f1') IS NULL THEN NULL ELSE concat(NULLIF(c0, ''), '__f1') END" },
    ]);
  });

  it('computes an expression used twice once, and names it the same in every plan', () => {
    const a = plan([expr('sha1(n)', 'name'), expr('sha1(n)', 'person.code')], ['n']);
    const b = plan([expr('md5(n)', 'person.code'), expr('sha1(n)', 'name')], ['x', 'n']);
    expect(a?.functions).toHaveLength(1);
    expect(b?.functions.map((f) => f.name)).toContain(a?.functions[0]?.name);
    expect(b?.derived[1]?.sql).toBe(`${a?.functions[0]?.name}(NULLIF(c1, ''))`);
  });
});

describe('compileSqlPlan: the SQL runs in DuckDB and agrees with the mapper', () => {
  const engine = openEngine();
  afterAll(async () => (await engine).close());

  it('computes a shared value once: the verdict reads it above the subquery, not pushed below and cast again', async () => {
    const result = plan([attr('n', 'name'), attr('b', 'person.born')], ['n', 'b']);
    if (!result) throw new Error('no plan');
    expect(result.shared).toEqual([{ name: '__v0', sql: "TRY_CAST(NULLIF(c1, '') AS DATE)" }]);
    const { connection } = await engine;
    await connection.run(
      `CREATE OR REPLACE TABLE born AS SELECT 'n' || i AS c0, '2024-01-0' || (i % 9 + 1) AS c1, NULL::VARCHAR AS c2 FROM range(10) r(i)`,
    );
    const explained = await connection.runAndReadAll(
      `EXPLAIN (FORMAT json) SELECT ${result.columns.map((c) => c.sql).join(', ')} FROM ${acceptedOrElse(result, 'born', 'false')}`,
    );
    type Node = { name: string; extra_info?: { Expression?: string }; children?: Node[] };
    const nodes: Node[] = [];
    const walk = (node: Node): void => {
      nodes.push(node);
      for (const child of node.children ?? []) walk(child);
    };
    for (const root of JSON.parse(String(explained.getRows()[0]![1])) as Node[]) walk(root);
    const filter = nodes.find((n) => n.name === 'FILTER');
    expect(filter?.extra_info?.Expression).toContain('__v0');
    expect(filter?.extra_info?.Expression).not.toContain('TRY_CAST');
  });

  it('accepts good rows with their typed values and refuses ragged, out-of-range and non-ASCII ones', async () => {
    const result = plan(
      [attr('n', 'name'), expr('upper(a)', 'person.email'), attr('age', 'person.age'), attr('b', 'person.born')],
      ['n', 'a', 'age', 'b'],
    );
    if (!result) throw new Error('no plan');
    const { connection } = await engine;
    const rows = (
      await connection.runAndReadAll(
        // As run-plan.ts reads it: a condition that comes out NULL (2023-02-29 below) sends the row to JavaScript too.
        `SELECT CASE WHEN ${result.ok} THEN true ELSE false END AS ok, ${result.columns.map((c) => `${c.sql}::VARCHAR AS "${c.name}"`).join(', ')}
           FROM (SELECT *, ${result.shared.map((d) => `${d.sql} AS ${d.name}`).join(', ')} FROM (VALUES
             (1, 'Ada', 'ab', '42', '2024-02-29', NULL),
             (2, 'Bob', '', '', '', NULL),
             (3, 'Cy', 'abcdef', '1', '', NULL),
             (4, 'Di', 'é', '1', '', NULL),
             (5, 'Ed', 'a', '128', '', NULL),
             (6, 'Fa', 'a', '1', '2023-02-29', NULL),
             (7, 'Gu', 'a', '1', '', 'extra'),
             (8, '', '', '', '', NULL)
           ) AS t(i, c0, c1, c2, c3, c4)) ORDER BY i`,
      )
    ).getRowObjectsJS();
    expect(rows.map((r) => r.ok)).toEqual([true, true, false, false, false, false, false, false]);
    expect(rows[0]).toEqual({
      ok: true,
      name: 'Ada',
      person: "{'age': 42, 'email': AB, 'tags': NULL, 'born': 2024-02-29, 'code': NULL, 'score': NULL}",
    });
    expect(rows[1]).toEqual({ ok: true, name: 'Bob', person: null });
  });
});
