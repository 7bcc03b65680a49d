import { createHash } from 'node:crypto';
import { DuckDBScalarFunction, VARCHAR } from '@duckdb/node-api';
import duckdb from '@duckdb/node-bindings';
import type { Engine } from '../engine/duckdb.js';
import type { Expr } from '../mapping/expression/ast.js';
import { compileTree, type Evaluator } from '../mapping/expression/evaluate.js';
import { readVarChars, writeVarChars } from './varchar-vectors.js';

/**
 * The bridge that lets a Data Prep expression with no SQL twin run inside the SQL plan: the whole
 * expression becomes one vectorized DuckDB scalar function whose body is the row mapper's own
 * evaluator (compileTree), called on each row of every data chunk. The unit is the expression, not
 * each Data Prep function: values between nested calls (arrays, objects, dates) then stay the
 * JavaScript values the row mapper sees, so both paths agree by construction, whatever the nesting,
 * arity, operators or literal types. Literals are part of the compiled expression, not arguments.
 *
 * Arguments are the source values the expression reads (see fieldReferences), as VARCHAR (NULL for no value). The result
 * is tagged text, so that one value carries both outcomes of the row:
 * - NULL: the expression gives no value;
 * - FAILED ('f'): the evaluator threw, or gave a value the plan cannot carry as text (an object, an
 *   array, a non-finite number, -0). The plan's verdict is then false and the JavaScript mapper
 *   takes the row, writing its error (or, for a value it can coerce, the row) exactly as it would;
 * - 'v' followed by the value as text (numbers and booleans as coercion prints them).
 */
export const FAILED = 'f';

/** SQL giving a tagged result's value (NULL for no value; meaningless for FAILED, whose row is not ok). */
export const taggedValue = (tagged: string) => `substr(${tagged}, 2)`;

/** SQL that holds when a tagged result is not FAILED. */
export const taggedOk = (tagged: string) => `${tagged} IS DISTINCT FROM '${FAILED}'`;

/** One expression compiled to a scalar function, with the source columns it reads. */
export interface PlanFunction {
  /** Derived from the expression and its inputs: the same expression gets the same name in every plan. */
  name: string;
  /** Record keys (source columns) the evaluator reads, in argument order. */
  keys: string[];
  /** The row mapper's evaluator of the expression. */
  evaluate: Evaluator;
}

/** Prefix of every function the plan registers: no DuckDB function nor SQL keyword starts with it. */
const PREFIX = 'tributary_dataprep_';

/**
 * Compiles an expression for the plan; `keys` are the record keys (source columns) it may read.
 * Throws a MappingError for an expression the row mapper cannot compile either.
 */
export function planFunction(expr: Expr, keys: string[]): PlanFunction {
  const evaluate = compileTree(expr);
  const digest = createHash('sha256')
    .update(JSON.stringify([expr, keys]))
    .digest('hex')
    .slice(0, 24);
  return { name: `${PREFIX}${digest}`, keys, evaluate };
}

/**
 * The source values an expression reads, one per distinct reference as written (`a`, `b.c`). The plan
 * passes each reference's value under its whole name, which readSource finds before walking a path:
 * so the evaluator sees, for every source kind (delimited, JSON, Parquet), the value the mapper would.
 */
export function fieldReferences(expr: Expr): Array<{ name: string; segments: readonly string[] }> {
  const references = new Map<string, readonly string[]>();
  const visit = (e: Expr): void => {
    switch (e.kind) {
      case 'field':
        if (!references.has(e.name)) references.set(e.name, e.segments);
        return;
      case 'literal':
        return;
      case 'call':
        e.args.forEach(visit);
        return;
      case 'method':
        visit(e.target);
        e.args.forEach(visit);
        return;
      case 'unary':
        visit(e.operand);
        return;
      case 'binary':
        visit(e.left);
        visit(e.right);
        return;
      case 'conditional':
        visit(e.test);
        visit(e.then);
        visit(e.otherwise);
        return;
      case 'array':
        e.items.forEach(visit);
        return;
      case 'index':
        visit(e.target);
        visit(e.index);
        return;
    }
  };
  visit(expr);
  return [...references].map(([name, segments]) => ({ name, segments }));
}

/** A result as tagged text (see FAILED). */
export function tag(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return `v${value}`;
  if (typeof value === 'boolean' || typeof value === 'bigint') return `v${String(value)}`;
  // String() of any other finite number reads back as the same number; -0 would come back as 0.
  if (typeof value === 'number' && Number.isFinite(value) && !Object.is(value, -0)) return `v${String(value)}`;
  return FAILED;
}

/** Runs a plan function on one record, as the mapper would; any failure is FAILED. */
export function evaluateTagged(fn: PlanFunction, record: Record<string, unknown>): string | null {
  try {
    return tag(fn.evaluate(record));
  } catch {
    return FAILED;
  }
}

/** Names registered per engine: DuckDB's function catalog is shared by all connections of a database. */
const registered = new WeakMap<Engine, Set<string>>();

/** Registers the functions a plan uses, each once per engine. */
export function registerPlanFunctions(engine: Engine, functions: readonly PlanFunction[]): void {
  let names = registered.get(engine);
  if (!names) registered.set(engine, (names = new Set()));
  for (const fn of functions) {
    if (names.has(fn.name)) continue;
    engine.connection.registerScalarFunction(scalarFunction(fn));
    names.add(fn.name);
  }
}

/**
 * The DuckDB function of a plan function. Its body reads each input column of a chunk, evaluates every
 * row and writes the results with a few native calls per chunk (varchar-vectors.ts), through the
 * binding's own callback: the node-api wrappers cost a native call or two per value.
 */
function scalarFunction(fn: PlanFunction): DuckDBScalarFunction {
  const scalar = new DuckDBScalarFunction();
  scalar.setName(fn.name);
  scalar.setReturnType(VARCHAR);
  for (const _ of fn.keys) scalar.addParameter(VARCHAR);
  // Always volatile: DuckDB must call it once per row (uuid(), now() give each row its own value)
  // and never fold a call over constants into one value.
  scalar.setVolatile();
  const { keys } = fn;
  const columns: Array<Array<string | null>> = keys.map(() => []);
  const results: Array<string | null> = [];
  duckdb.scalar_function_set_function(scalar.scalar_function, (_info, input, output) => {
    const rows = duckdb.data_chunk_get_size(input);
    for (let i = 0; i < keys.length; i++) readVarChars(duckdb.data_chunk_get_vector(input, i), rows, columns[i]!);
    results.length = rows;
    for (let row = 0; row < rows; row++) {
      // A plain object like the reader's record, holding only the columns the expression reads.
      const record: Record<string, unknown> = {};
      for (let i = 0; i < keys.length; i++) record[keys[i]!] = columns[i]![row];
      results[row] = evaluateTagged(fn, record);
    }
    writeVarChars(output, results, rows);
  });
  return scalar;
}
