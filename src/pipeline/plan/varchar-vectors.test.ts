import { DuckDBScalarFunction, VARCHAR } from '@duckdb/node-api';
import duckdb from '@duckdb/node-bindings';
import { afterAll, describe, expect, it } from 'vitest';
import { openEngine } from '../engine/duckdb.js';
import { readVarChars, writeVarChars } from './varchar-vectors.js';

/** Registers `name(VARCHAR) → VARCHAR` running `map` on each value, through the whole-chunk reader and writer. */
function register(
  connection: Awaited<ReturnType<typeof openEngine>>['connection'],
  name: string,
  map: (value: string | null) => string | null,
): void {
  const scalar = new DuckDBScalarFunction();
  scalar.setName(name);
  scalar.setReturnType(VARCHAR);
  scalar.addParameter(VARCHAR);
  scalar.setVolatile();
  const values: Array<string | null> = [];
  const results: Array<string | null> = [];
  duckdb.scalar_function_set_function(scalar.scalar_function, (_info, input, output) => {
    const rows = duckdb.data_chunk_get_size(input);
    readVarChars(duckdb.data_chunk_get_vector(input, 0), rows, values);
    results.length = rows;
    for (let i = 0; i < rows; i++) results[i] = map(values[i]!);
    writeVarChars(output, results, rows);
  });
  connection.registerScalarFunction(scalar);
}

/** Values of every shape a VARCHAR vector holds: NULL, empty, inlined (≤ 12 bytes), just past it, long, multi-byte. */
const sample = (i: number): string | null => {
  switch (i % 9) {
    case 0:
      return null;
    case 1:
      return '';
    case 2:
      return `s${i}`.slice(0, 12);
    case 3:
      return `x${String(i).padStart(11, '0')}`; // exactly 12 bytes
    case 4:
      return `y${String(i).padStart(12, '0')}`; // 13 bytes
    case 5:
      return `é${i}ü`.repeat(3); // multi-byte, around the inline limit
    case 6:
      return `🦆 ${i} ${'ж'.repeat(i % 50)}`;
    case 7:
      return `long value ${i} `.repeat(1 + (i % 40));
    default:
      return `${i}@example.com`;
  }
};

describe('whole-chunk VARCHAR vectors', () => {
  const engine = openEngine();
  afterAll(async () => (await engine).close());

  it('reads and writes every shape of value, across chunks, in row order and shuffled', async () => {
    const { connection } = await engine;
    register(connection, 'test_echo', (v) => v);
    // Results of other lengths than the inputs: NULL for empty, short for long and long for short.
    register(connection, 'test_flip', (v) =>
      v === null ? 'was null, now a long value' : v === '' ? null : v.length > 12 ? v.slice(0, 3) : `${v}|${v}|${v}`,
    );
    const rows = 10_000;
    await connection.run(
      `CREATE TEMP TABLE vv AS SELECT i, v FROM (VALUES ${Array.from({ length: rows }, (_, i) => `(${i}, ${sample(i) === null ? 'NULL' : `'${sample(i)}'`})`).join(', ')}) t(i, v)`,
    );
    for (const order of ['i', 'hash(i)']) {
      // Sorted by a hash, the strings of one chunk lie in memory out of row order.
      const result = await connection.runAndReadAll(`SELECT i, test_echo(v) AS echo, test_flip(v) AS flip FROM (SELECT * FROM vv ORDER BY ${order})`);
      const got = result.getRowObjectsJS() as Array<{ i: bigint; echo: string | null; flip: string | null }>;
      expect(got).toHaveLength(rows);
      for (const row of got) {
        const value = sample(Number(row.i));
        expect(row.echo).toBe(value);
        expect(row.flip).toBe(
          value === null ? 'was null, now a long value' : value === '' ? null : value.length > 12 ? value.slice(0, 3) : `${value}|${value}|${value}`,
        );
      }
    }
  });

  it('reads chunks of ASCII strings (sliced from one decoded span) and a chunk with one multi-byte string alike', async () => {
    const { connection } = await engine;
    register(connection, 'test_ascii', (v) => v);
    // ASCII only, long and short; then the same with one multi-byte value among them, which makes its span decode value by value.
    const ascii = (i: number) => (i % 3 === 0 ? `user${i}@example.com` : i % 3 === 1 ? `v${i}`.padEnd(13 + (i % 50), '-') : `k${i}`);
    for (const odd of [null, 'üñíçødé value that is long']) {
      const rows = 5_000;
      const value = (i: number) => (odd !== null && i === 2_500 ? odd : ascii(i));
      await connection.run(
        `CREATE OR REPLACE TEMP TABLE va AS SELECT i, v FROM (VALUES ${Array.from({ length: rows }, (_, i) => `(${i}, '${value(i)}')`).join(', ')}) t(i, v)`,
      );
      for (const order of ['i', 'hash(i)']) {
        const got = (
          await connection.runAndReadAll(`SELECT i, test_ascii(v) AS echo FROM (SELECT * FROM va ORDER BY ${order})`)
        ).getRowObjectsJS() as Array<{ i: bigint; echo: string }>;
        expect(got).toHaveLength(rows);
        for (const row of got) expect(row.echo).toBe(value(Number(row.i)));
      }
    }
  });

  it('reads constant inputs as the flat vectors DuckDB hands scalar functions', async () => {
    const { connection } = await engine;
    register(connection, 'test_input', (v) => (v === null ? null : `<${v}>`));
    const result = await connection.runAndReadAll(
      `SELECT count(*) FILTER (WHERE test_input('a constant longer than twelve bytes') = '<a constant longer than twelve bytes>')::INTEGER AS long,
              count(*) FILTER (WHERE test_input('short') = '<short>')::INTEGER AS short,
              count(*) FILTER (WHERE test_input(NULL) IS NULL)::INTEGER AS nothing,
              count(*) FILTER (WHERE test_input(s) = '<' || s || '>')::INTEGER AS joined
       FROM range(5000) r(i) JOIN (VALUES (0, 'first joined value'), (1, 'second'), (2, 'third joined value')) t(k, s) ON i % 3 = k`,
    );
    expect(result.getRowObjectsJS()).toEqual([{ long: 5000, short: 5000, nothing: 5000, joined: 5000 }]);
  });

  it('writes strings DuckDB compares, hashes and groups as its own', async () => {
    const { connection } = await engine;
    register(connection, 'test_same', (v) => v);
    // Equality and grouping read the prefix and the inlined bytes of each string: wrong ones would split groups.
    const result = await connection.runAndReadAll(
      `SELECT count(*)::INTEGER AS n, count(DISTINCT test_same(v))::INTEGER AS d, count(*) FILTER (WHERE test_same(v) = v)::INTEGER AS eq,
              count(*) FILTER (WHERE test_same(v) LIKE 'long value%')::INTEGER AS prefix
       FROM (SELECT CASE WHEN i % 2 = 0 THEN 'long value shared by many rows' ELSE 'short' || (i % 7)::VARCHAR END AS v FROM range(6000) r(i))`,
    );
    expect(result.getRowObjectsJS()).toEqual([{ n: 6000, d: 8, eq: 6000, prefix: 3000 }]);
  });
});
