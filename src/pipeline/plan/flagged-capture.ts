import { BOOLEAN, DuckDBScalarFunction, VARCHAR } from '@duckdb/node-api';
import duckdb from '@duckdb/node-bindings';
import type { Engine } from '../engine/duckdb.js';
import { readVarChars } from './varchar-vectors.js';

/**
 * Catches the rows a plan's verdict flags in the very statement that writes the accepted ones, so that a
 * source read once gives both: the statement's filter is `CASE WHEN verdict THEN true ELSE capture(…) END`,
 * DuckDB evaluates the ELSE branch for the flagged rows only, and the function keeps their values here and
 * answers false. It runs on the JavaScript thread, one chunk at a time, in whatever order DuckDB's threads
 * reach the rows: `rows()` gives them back sorted by their row number (when the first argument is one).
 *
 * What it holds is bounded: past `maxRows` rows or `maxChars` characters it makes the statement fail
 * (`overflowed`), and the caller takes a way that keeps the flagged rows in DuckDB instead.
 */
export class FlaggedCapture {
  private readonly held: Array<Array<string | null>> = [];
  private chars = 0;
  /** The statement was stopped because the flagged rows outgrew the bounds. */
  overflowed = false;

  constructor(
    private readonly maxRows = 200_000,
    private readonly maxChars = 32 * 1024 * 1024,
  ) {}

  get count(): number {
    return this.held.length;
  }

  /** Takes a chunk's rows (columns of equal length); false once the bounds are passed. */
  take(columns: ReadonlyArray<ReadonlyArray<string | null>>, rows: number): boolean {
    for (let row = 0; row < rows; row++) {
      const values = columns.map((column) => column[row] ?? null);
      for (const value of values) this.chars += value?.length ?? 0;
      this.held.push(values);
    }
    if (this.held.length > this.maxRows || this.chars > this.maxChars) this.overflowed = true;
    return !this.overflowed;
  }

  /** The rows as they were caught (in no order): the function's arguments. */
  values(): ReadonlyArray<ReadonlyArray<string | null>> {
    return this.held;
  }

  /** The rows in row-number order, the number (the first argument) as a number: `[row, ...the other arguments]`. */
  rows(): unknown[][] {
    return this.held.map(([row, ...rest]) => [Number(row), ...rest]).sort((a, b) => (a[0] as number) - (b[0] as number));
  }
}

/** The name of the capture function: no DuckDB function nor SQL keyword starts with `tributary_`. */
export const CAPTURE_FUNCTION = 'tributary_flagged_capture';

/** The capture each engine's function fills (one plan runs at a time per engine, as for its scratch table). */
const current = new WeakMap<Engine, FlaggedCapture>();
const registered = new WeakSet<Engine>();

/**
 * Directs the engine's capture function (registered on first use) to `capture` until the returned function is
 * called. The SQL is `${CAPTURE_FUNCTION}(row number, values…)`, every argument VARCHAR.
 */
export function captureFlagged(engine: Engine, capture: FlaggedCapture): () => void {
  if (!registered.has(engine)) {
    engine.connection.registerScalarFunction(captureFunction(engine));
    registered.add(engine);
  }
  current.set(engine, capture);
  return () => {
    if (current.get(engine) === capture) current.delete(engine);
  };
}

function captureFunction(engine: Engine): DuckDBScalarFunction {
  const scalar = new DuckDBScalarFunction();
  scalar.setName(CAPTURE_FUNCTION);
  scalar.setReturnType(BOOLEAN);
  scalar.setVarArgs(VARCHAR);
  // Called once per flagged row, never folded: its effect is the point.
  scalar.setVolatile();
  const columns: Array<Array<string | null>> = [];
  duckdb.scalar_function_set_function(scalar.scalar_function, (info, input, output) => {
    const rows = duckdb.data_chunk_get_size(input);
    const width = duckdb.data_chunk_get_column_count(input);
    while (columns.length < width) columns.push([]);
    // Not shared: the values outlive the chunk.
    for (let i = 0; i < width; i++) readVarChars(duckdb.data_chunk_get_vector(input, i), rows, columns[i]!, false);
    const capture = current.get(engine);
    if (!capture || !capture.take(columns.slice(0, width), rows)) {
      duckdb.scalar_function_set_error(info, capture ? 'too many flagged rows to hold in memory' : 'no flagged-row capture is open');
      return;
    }
    // false for every row (a BOOLEAN is one byte): the flagged rows are not written.
    const zeros = new Uint8Array(Math.max(rows, 1));
    duckdb.copy_data_to_vector(output, 0, zeros.buffer, 0, rows);
  });
  return scalar;
}
