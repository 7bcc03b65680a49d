import { afterAll, describe, expect, it } from 'vitest';
import { openEngine } from '../engine/duckdb.js';
import { compileExpression } from '../mapping/expression/evaluate.js';
import { parseExpression } from '../mapping/expression/parse.js';
import { evaluateTagged, FAILED, fieldReferences, planFunction, registerPlanFunctions, tag, taggedOk, taggedValue } from './scalar-functions.js';

const fn = (source: string, columns: string[]) => {
  const expr = parseExpression(source);
  return planFunction(
    expr,
    fieldReferences(expr).map((r) => r.name),
  );
};

describe('scalar functions: the bridge from the row mapper to the plan', () => {
  it('tags values as text, and what text cannot carry exactly as FAILED', () => {
    expect([tag(null), tag(undefined), tag(''), tag('a'), tag(12), tag(1.5e-7), tag(true), tag(10n)]).toEqual([
      null,
      null,
      'v',
      'va',
      'v12',
      'v1.5e-7',
      'vtrue',
      'v10',
    ]);
    for (const value of [-0, Number.NaN, Number.POSITIVE_INFINITY, [1], { a: 1 }]) expect(tag(value)).toBe(FAILED);
  });

  it('reads the columns an expression names, as readSource finds them', () => {
    const names = (text: string) => fieldReferences(parseExpression(text)).map((r) => [r.name, r.segments]);
    expect(names('concat(a, b.c, d.e, a, nosuch)')).toEqual([
      ['a', ['a']],
      ['b.c', ['b', 'c']],
      ['d.e', ['d', 'e']],
      ['nosuch', ['nosuch']],
    ]);
    expect(names('iif(x > 1, -y, z.get("k")[0])').map(([name]) => name)).toEqual(['x', 'y', 'z']);
    expect(names('uuid()')).toEqual([]);
  });

  it('evaluates with the row mapper’s own evaluator; a throw is FAILED', () => {
    const source = 'upper(substr(a, 0, b))';
    const plan = fn(source, ['a', 'b']);
    const mapper = compileExpression(source);
    for (const record of [
      { a: 'hello', b: '3' },
      { a: null, b: '1' },
    ])
      expect(evaluateTagged(plan, record)).toBe(tag(mapper(record)));
    expect(() => mapper({ a: 'hello', b: 'x' })).toThrow();
    expect(evaluateTagged(plan, { a: 'hello', b: 'x' })).toBe(FAILED);
  });

  it('names an expression by its syntax and inputs', () => {
    expect(fn('sha1(a)', ['a']).name).toBe(fn('sha1( a )', ['a', 'b']).name);
    expect(fn('sha1(a)', ['a']).name).not.toBe(fn('sha1(b)', ['b']).name);
    expect(fn('sha1(a)', ['a']).name).toMatch(/^tributary_dataprep_[0-9a-f]{24}$/);
  });

  describe('in DuckDB', () => {
    const engine = openEngine();
    afterAll(async () => (await engine).close());

    it('runs on whole chunks, once per row, with NULL, values and FAILED told apart', async () => {
      const e = await engine;
      const substr = fn('substr(a, 0, b)', ['a', 'b']);
      const uuid = fn('uuid()', []);
      registerPlanFunctions(e, [substr, uuid]);
      // Registering again (another file of the same ingest) is a no-op, not a "function exists" error.
      registerPlanFunctions(e, [substr]);
      const rows = (
        await e.connection.runAndReadAll(
          `SELECT i, ${taggedOk('t')} AS ok, ${taggedValue('t')} AS v, u FROM (
             SELECT i, ${substr.name}(CASE WHEN i % 3 = 0 THEN NULL ELSE 'abcdef' END, CASE WHEN i % 3 = 2 THEN 'x' ELSE (i % 5)::VARCHAR END) AS t,
                    ${uuid.name}() AS u
             FROM range(5000) r(i)) ORDER BY i`,
        )
      ).getRowObjectsJS() as Array<{ i: bigint; ok: boolean; v: string | null; u: string }>;
      expect(rows).toHaveLength(5000);
      for (const row of rows) {
        const i = Number(row.i);
        if (i % 3 === 0) expect([row.ok, row.v]).toEqual([true, null]);
        else if (i % 3 === 2) expect(row.ok).toBe(false);
        else expect([row.ok, row.v]).toEqual([true, 'abcdef'.slice(0, i % 5)]);
      }
      // A volatile function gives each row its own value, however DuckDB splits the rows.
      expect(new Set(rows.map((r) => r.u.slice(1))).size).toBe(5000);
    });
  });
});
