import { DuckDBTypeId, type DuckDBStructType, type DuckDBType } from '@duckdb/node-api';
import type { FieldMapping } from '../contracts.js';
import { sqlString, type Engine } from '../engine/duckdb.js';
import type { FileFailure } from '../errors.js';
import type { Expr } from '../mapping/expression/ast.js';
import { parseExpression } from '../mapping/expression/parse.js';
import { splitPath } from '../mapping/paths.js';
import { csvFailure, refusedInParallel, toRecord, type DelimitedSource } from '../read/delimited.js';
import { numberDelimitedRows } from '../read/delimited-row-numbers.js';
import { jsonRecord, readFailure } from '../read/duckdb-json-rows.js';
import { jsonLinesAgree, parseLine, readJsonLines } from '../read/json-lines.js';
import type { RecordBatches, SourceRecord } from '../read/records.js';

/**
 * How the JavaScript mapper uses a source value, which decides when the value's text stands for it:
 * - `expression`: an input of an expression function, which must see the very string;
 * - `string`: a string field, which takes String(value);
 * - `typed`: any other field, whose coercion the plan judges on the value's text (a number or a
 *   boolean written as JSON converts as the same text would).
 */
export type SourceUse = 'expression' | 'string' | 'typed';

/** A source attribute as the compiled plan reads it. */
export interface SourceValue {
  /** The value as VARCHAR, NULL for no value: the text the JavaScript mapper would see. */
  text: string;
  /**
   * The condition under which `text` is faithful to the JavaScript value for a use; null: always. The
   * condition for `expression` implies the one for `string`, which implies the one for `typed`: the
   * plan tests only the strictest use's.
   */
  faithful(use: SourceUse): string | null;
}

/** The source side of a compiled plan: the rows of one file, and how attributes are read from them. */
export interface PlanSource {
  /** Files whose sources have the same key share one compiled plan (its SQL names no file). */
  key: string;
  /** An attribute (`name` as written, `segments` its path); null when the plan cannot read it as JavaScript would. */
  value(name: string, segments: readonly string[]): SourceValue | null;
  /** What a row must meet to be mapped in SQL at all (a ragged delimited row, a line that is no JSON object). */
  rowChecks: string[];
  /** The file's rows in file order, as a FROM item with `columns` (and `record.column`). */
  from: string;
  /** The columns the plan's values are computed from: kept in the scratch copy. */
  columns: string[];
  /** A column of `from` that flagged rows are rebuilt from, and its text (a JSON record's, for jsonRecord or parseLine); computed for flagged rows only. */
  record: { column: string; text: (column: string) => string } | null;
  /**
   * The records of the flagged rows, from their rows of the scratch copy in file order: the row
   * number, then `columns`, then the record's text when there is one. They are the very records the
   * JavaScript reader gives for those rows.
   */
  flagged(rows: AsyncIterable<unknown[][]> | Iterable<unknown[][]>): RecordBatches;
  /** The file failure for an error of the engine reading the file; null: let the JavaScript path read it instead. */
  failure(error: unknown): FileFailure | null;
  /**
   * The same rows with each one's position in the file (0 for the first data row), for a plan that reads the
   * file twice instead of keeping a scratch copy (see runPlan): `from` as above plus the column `position`,
   * and `count` a query of the number of rows. Only for sources whose reader numbers the rows itself.
   */
  numbered?: {
    from: string;
    position: string;
    count: string;
    /** `numbered.from` without `record.column` (and what only it needs read): for the accepted rows. */
    bare: string;
  };
  /**
   * For a source whose reader numbers no rows (DuckDB's CSV reader): the rows a plan flagged while reading the file
   * once, given by their `columns` values, found again in the file — `[row number, ...values]` in file order, as
   * `flagged` takes them — or null when they cannot be told apart so (the plan then keeps a scratch copy instead).
   * `total`: the rows the plan read.
   */
  findRows?(rows: ReadonlyArray<ReadonlyArray<string | null>>, total: number): Promise<unknown[][] | null>;
  /** Whether the engine reads the file as the JavaScript reader does (checked beside the plan's first pass). */
  agrees?(): Promise<boolean>;
  /** The same rows read another way, after an error of the engine's reader that another way avoids; null: none. */
  retry?(error: unknown): PlanSource | null;
}

const ALWAYS = { faithful: () => null };

/** Names JavaScript finds on every object (`"constructor" in record`): the mapper reads those, not the data. */
const inherited = (name: string) => name in Object.prototype;

/** The columns the compiler reads attributes from. */
export type SourceColumns = Pick<PlanSource, 'value' | 'rowChecks'>;

/** The raw VARCHAR columns c0…cN of a delimited file with these column names (cN catches ragged rows), every value a string. */
export function delimitedColumns(names: readonly string[]): SourceColumns {
  const width = names.length;
  return {
    value(name, segments) {
      let index = names.indexOf(name);
      // readSource walks the path when no column has the name as written ("a\.b" finds the column "a.b").
      if (index < 0 && segments.length === 1) index = names.indexOf(segments[0]!);
      if (index >= 0) return { text: `NULLIF(c${index}, '')`, ...ALWAYS };
      if (inherited(name) || segments.some(inherited)) return null;
      // Any further segment walks into a string or nothing: no value.
      return { text: 'NULL::VARCHAR', ...ALWAYS };
    },
    // A ragged row (too few or too many fields) is for the JavaScript reader to report.
    rowChecks: [`c${width} IS NULL`, `c${width - 1} IS NOT NULL`],
  };
}

/** A delimited file (see delimitedColumns); `readOnce`: its flagged rows may be found again after one pass (findRows). */
export function delimitedPlanSource(source: DelimitedSource, readOnce = true): PlanSource {
  const { names } = source;
  const width = names.length;
  return {
    key: JSON.stringify(['delimited', names]),
    ...delimitedColumns(names),
    from: source.dataSql,
    columns: Array.from({ length: width + 1 }, (_, i) => `c${i}`),
    record: null,
    async *flagged(rows) {
      for await (const chunk of rows) yield chunk.map(([row, ...fields]) => toRecord(fields as Array<string | null>, names, row as number));
    },
    ...(readOnce ? { findRows: (rows, total) => numberDelimitedRows(source.layout, rows, total) } : {}),
    failure: (error) => csvFailure(error, source),
    retry: (error) => (source.sequential && refusedInParallel(error) ? delimitedPlanSource(source.sequential, readOnce) : null),
  };
}

/** An attribute a mapping set reads: the name as written and its path. */
export interface Attribute {
  name: string;
  segments: string[];
}

/** The source attributes a mapping set reads (ATTRIBUTE sources and the fields its expressions name), each once. */
export function sourceAttributes(mappings: FieldMapping[]): Attribute[] {
  const found = new Map<string, Attribute>();
  const add = (name: string, segments: string[]) => {
    found.set(JSON.stringify([name, segments]), { name, segments });
  };
  const walk = (expr: Expr): void => {
    if (expr.kind === 'field') add(expr.name, expr.segments);
    else children(expr).forEach(walk);
  };
  for (const mapping of mappings) {
    if (mapping.sourceType === 'ATTRIBUTE') add(mapping.source, splitPath(mapping.source));
    else if (mapping.sourceType === 'EXPRESSION') {
      try {
        walk(parseExpression(mapping.source));
      } catch {
        // The compiler meets the same error.
      }
    }
  }
  return [...found.values()];
}

/** The expressions directly inside one. */
function children(expr: Expr): Expr[] {
  switch (expr.kind) {
    case 'field':
    case 'literal':
      return [];
    case 'call':
      return expr.args;
    case 'method':
      return [expr.target, ...expr.args];
    case 'unary':
      return [expr.operand];
    case 'binary':
      return [expr.left, expr.right];
    case 'conditional':
      return [expr.test, expr.then, expr.otherwise];
    case 'array':
      return expr.items;
    case 'index':
      return [expr.target, expr.index];
  }
}

/** The key paths an attribute is looked up at: the name as one key first (readSource), then its path. */
function lookups({ name, segments }: Attribute): string[][] {
  return segments.length === 1 && segments[0] === name ? [[name]] : [[name], segments];
}

/** Nested keys read from the source: a leaf (its value whole) or an object of further keys. */
type KeyTree = Map<string, KeyTree | 'leaf'>;

/**
 * The keys the attributes read, or null when DuckDB cannot tell them apart as JavaScript does: one
 * path both a value and an object, keys equal but for case (DuckDB's struct fields are not case
 * sensitive), or names every JavaScript object has.
 */
function keyTree(attributes: Attribute[]): KeyTree | null {
  const root: KeyTree = new Map();
  for (const attribute of attributes) {
    for (const path of lookups(attribute)) {
      let node = root;
      for (let i = 0; i < path.length; i++) {
        const key = path[i]!;
        if (inherited(key) || [...node.keys()].some((k) => k !== key && k.toLowerCase() === key.toLowerCase())) return null;
        const last = i === path.length - 1;
        const existing = node.get(key);
        if (last) {
          if (existing !== undefined && existing !== 'leaf') return null;
          node.set(key, 'leaf');
        } else {
          if (existing === 'leaf') return null;
          const next: KeyTree = existing ?? new Map();
          node.set(key, next);
          node = next;
        }
      }
    }
  }
  return root;
}

const structure = (tree: KeyTree): Record<string, unknown> =>
  Object.fromEntries([...tree].map(([key, node]) => [key, node === 'leaf' ? 'JSON' : structure(node)]));

const fieldOf = (base: string, path: readonly string[]) => path.reduce((sql, key) => `struct_extract(${sql}, ${sqlString(key)})`, base);

/** A JSON value as text: a string's content, any other value its JSON (numbers as DuckDB writes them). */
const jsonText = (v: string) =>
  // Parsing the string is cheaper than cutting its quotes off: DuckDB's trim() walks the text as code
  // points (1M rows of 5 fields: 0.43 cpu-s against 1.07 with trim() for the strings without escapes).
  `CASE WHEN starts_with(${v}, '"') THEN json_extract_string(${v}, '$') ELSE ${v} END`;

/**
 * When the JSON text `v` (VARCHAR, NULL for no value) stands for the value JSON.parse gives: a string
 * always; true, false and integers of up to 15 digits also as String() writes them; numbers as
 * coercion reads them (DuckDB writes 1.0 as "1.0", JavaScript as "1": not for string fields).
 */
const jsonFaithful = (v: string, use: SourceUse) => {
  switch (use) {
    case 'expression':
      return `(${v} IS NULL OR starts_with(${v}, '"'))`;
    case 'string':
      return `(${v} IS NULL OR starts_with(${v}, '"') OR ${v} IN ('true', 'false') OR regexp_full_match(${v}, '-?[1-9][0-9]{0,14}|0'))`;
    case 'typed':
      return `(${v} IS NULL OR NOT (starts_with(${v}, '{') OR starts_with(${v}, '[')))`;
  }
};

/**
 * JSON syntax DuckDB's reader accepts and JSON.parse refuses: trailing commas, NaN and Infinity (any
 * case, "inf" too). Rows that may hold it (a string value may look alike) go to the JavaScript reader.
 */
const LENIENT_JSON = `,[ \\t\\r\\n]*[\\]}]|[:\\[,][ \\t\\r\\n]*[+-]?[nNiI][aAnN]`;

/** A regular expression (RE2) matching exactly this text. */
const regexLiteral = (text: string) => text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');

/** The largest object DuckDB's JSON reader takes by default. */
const DUCKDB_MAX_OBJECT_BYTES = 16 * 1024 * 1024;

/**
 * A JSON file: one object per line (`multiLine` false), or a document DuckDB splits into records
 * (a top-level array, objects spread over lines) as the JavaScript reader's query does. Each record
 * is parsed once, into a struct of the keys the mapping set reads, each kept as JSON text.
 * Limits: a key repeated within one object is taken at its first occurrence (JSON.parse takes the
 * last), and a key present with null cannot be told from a missing one (only matters for a dotted
 * name that is also a path: such rows go to JavaScript).
 */
export function jsonPlanSource(path: string, multiLine: boolean, attributes: Attribute[], maxRecordBytes: number): PlanSource | null {
  const tree = keyTree(attributes);
  if (!tree) return null;
  const read = multiLine
    ? `read_json_objects(${sqlString(path)}, format = 'auto')`
    : `read_json_objects(${sqlString(path)}, format = 'newline_delimited', ignore_errors = true, maximum_object_size = ${Math.max(DUCKDB_MAX_OBJECT_BYTES, maxRecordBytes + 1)})`;
  const raw: string[] = [];
  const texts: string[] = [];
  const values = new Map<string, SourceValue>();
  /** What a record's text must not hold for every check below to pass without a closer look (regular expressions). */
  const suspects = [LENIENT_JSON];
  attributes.forEach((attribute, i) => {
    const [direct, walk] = lookups(attribute);
    const leaf = (p: string[]) => `${fieldOf('__v', p)}::VARCHAR`;
    // A dotted name that is also a path: JavaScript takes the key when present, even as null.
    raw.push(walk ? `coalesce(${leaf(direct!)}, ${leaf(walk)}) AS r${i}` : `${leaf(direct!)} AS r${i}`);
    if (walk) {
      // JSON null and a missing key read alike, so the key must not be in the text at all (nor any key spelt with escapes).
      const key = JSON.stringify(direct![0]!);
      const escaped = key.includes('\\') || key.includes('/');
      const absent = `NOT (contains(__json, ${sqlString(key)}) OR contains(__json, ${escaped ? `'\\'` : `'\\u'`}))`;
      suspects.push(regexLiteral(key), escaped ? '\\\\' : '\\\\u');
      // Text that holds neither (most records) needs no closer look: one pass of one expression decides it for every key.
      raw.push(`CASE WHEN __suspect THEN ${leaf(direct!)} IS NOT NULL OR ${leaf(walk)} IS NULL OR ${absent} ELSE true END AS a${i}`);
    }
    texts.push(`${jsonText(`r${i}`)} AS s${i}`);
    values.set(JSON.stringify([attribute.name, attribute.segments]), {
      text: `s${i}`,
      faithful: (use) => (walk ? `a${i} AND ${jsonFaithful(`r${i}`, use)}` : jsonFaithful(`r${i}`, use)),
    });
  });
  const suspect = [...new Set(suspects)].join('|');
  const parsed = `SELECT json AS __json, json_transform(json, ${sqlString(JSON.stringify(structure(tree)))}) AS __v, regexp_matches(json, ${sqlString(suspect)}) AS __suspect FROM ${read}`;
  const from = `(SELECT *, ${texts.join(', ') || 'NULL AS __none'} FROM (SELECT __json, __suspect${raw.map((r) => `, ${r}`).join('')} FROM (${parsed}))) AS __source`;
  return {
    key: JSON.stringify(['json', multiLine, attributes]),
    value: (name, segments) => values.get(JSON.stringify([name, segments])) ?? null,
    // The lenient syntax itself is looked for only in the text the one expression found suspect.
    rowChecks: [`starts_with(__json, '{')`, `NOT __suspect OR NOT regexp_matches(__json, ${sqlString(LENIENT_JSON)})`],
    from,
    columns: attributes.map((_, i) => `s${i}`),
    record: { column: '__json', text: (column) => column },
    async *flagged(rows) {
      if (multiLine) {
        for await (const chunk of rows) {
          try {
            yield chunk.map((row) => jsonRecord(row[row.length - 1] as string | null, row[0] as number));
          } catch (error) {
            throw readFailure(error, 'JSON');
          }
        }
        return;
      }
      // A flagged line's record is parsed from the text DuckDB kept of it (the lines agree: see jsonLinesAgree),
      // not read from the file again. DuckDB keeps no text of a line that is no JSON to it, nor can it say why:
      // from the first such line on, the JavaScript reader reads the flagged lines again.
      const rest: number[] = [];
      for await (const chunk of rows) {
        const records: SourceRecord[] = [];
        for (const row of chunk) {
          const text = row[row.length - 1] as string | null;
          if (text === null || rest.length) rest.push(row[0] as number);
          else records.push(parseLine(text, row[0] as number));
        }
        if (records.length) yield records;
      }
      if (rest.length) yield* readJsonLines(path, undefined, maxRecordBytes, rest);
    },
    failure: () => null,
    ...(multiLine ? {} : { agrees: () => jsonLinesAgree(path, maxRecordBytes) }),
  };
}

/** The largest integer JavaScript holds exactly: String() writes larger ones otherwise than DuckDB. */
const SAFE_INTEGER = 9007199254740991;

/** How a Parquet value of a type reaches the JavaScript mapper (through to_json and JSON.parse), as SQL. */
function parquetValue(v: string, type: DuckDBType): SourceValue {
  const none = `${v} IS NULL`;
  switch (type.typeId) {
    case DuckDBTypeId.VARCHAR:
      return { text: v, ...ALWAYS };
    case DuckDBTypeId.BOOLEAN:
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UTINYINT:
    case DuckDBTypeId.USMALLINT:
    case DuckDBTypeId.UINTEGER:
      return { text: `${v}::VARCHAR`, faithful: (use) => (use === 'expression' ? none : null) };
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return {
        text: `${v}::VARCHAR`,
        faithful: (use) => (use === 'expression' ? none : use === 'string' ? `(${none} OR ${v} BETWEEN -${SAFE_INTEGER} AND ${SAFE_INTEGER})` : null),
      };
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
    case DuckDBTypeId.DECIMAL:
      // to_json writes a FLOAT as the double it is (0.1 as 0.10000000149011612), as this cast does.
      return { text: `${v}::DOUBLE::VARCHAR`, faithful: (use) => (use === 'typed' ? null : none) };
    case DuckDBTypeId.STRUCT:
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
    case DuckDBTypeId.MAP:
      // An object or an array: no field takes one whole.
      return { text: 'NULL::VARCHAR', faithful: () => none };
    default:
      // Dates, timestamps, UUIDs and the like reach JavaScript as the strings to_json writes.
      return { text: `json_extract_string(to_json(${v}), '$')`, faithful: () => `(${none} OR starts_with(to_json(${v})::VARCHAR, '"'))` };
  }
}

/**
 * Conditions every row must meet for to_json (the JavaScript reader's query) to give JSON that
 * JSON.parse reads: a NaN or an infinity becomes bare NaN/Infinity, and fails the whole file there.
 * Null when such a value could sit in a list or a map, where no simple condition reaches it.
 */
function finiteChecks(v: string, type: DuckDBType): string[] | null {
  switch (type.typeId) {
    case DuckDBTypeId.FLOAT:
    case DuckDBTypeId.DOUBLE:
      return [`${v} IS NULL OR isfinite(${v})`];
    case DuckDBTypeId.STRUCT: {
      const struct = type as DuckDBStructType;
      const checks: string[] = [];
      for (let i = 0; i < struct.entryCount; i++) {
        const inner = finiteChecks(`struct_extract(${v}, ${sqlString(struct.entryNames[i]!)})`, struct.entryTypes[i]!);
        if (!inner) return null;
        checks.push(...inner);
      }
      return checks;
    }
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
    case DuckDBTypeId.MAP:
    case DuckDBTypeId.UNION: {
      const json = JSON.stringify(type.toJson());
      return /FLOAT|DOUBLE/.test(json) ? null : [];
    }
    default:
      return [];
  }
}

/**
 * A Parquet file: its typed columns, nested fields reached through their structs. Values reach the
 * JavaScript mapper through to_json, so each is read as the text JSON.parse would give it.
 */
export async function parquetPlanSource(engine: Engine, path: string, attributes: Attribute[]): Promise<PlanSource | null> {
  const file = `read_parquet(${sqlString(path)})`;
  let names: string[];
  let types: DuckDBType[];
  try {
    const described = await engine.connection.run(`SELECT * FROM ${file} LIMIT 0`);
    names = described.columnNames();
    types = described.columnTypes();
  } catch {
    return null;
  }
  const rowChecks: string[] = [];
  for (let i = 0; i < names.length; i++) {
    const checks = finiteChecks(`__t.${quote(names[i]!)}`, types[i]!);
    if (!checks) return null;
    rowChecks.push(...checks);
  }
  const top = new Map(names.map((name, i) => [name, types[i]!]));
  // A struct field along a path, exactly as named (DuckDB's own lookup ignores case), or undefined.
  const resolve = (path: readonly string[]): { sql: string; type: DuckDBType } | undefined | null => {
    const first = top.get(path[0]!);
    if (!first) return undefined;
    let sql = `__t.${quote(path[0]!)}`;
    let type = first;
    for (const key of path.slice(1)) {
      if (type.typeId === DuckDBTypeId.MAP || type.typeId === DuckDBTypeId.UNION) return null;
      if (type.typeId !== DuckDBTypeId.STRUCT) return undefined;
      const struct = type as DuckDBStructType;
      const index = struct.entryNames.indexOf(key);
      if (index < 0 || struct.entryNames.some((n, j) => j !== index && n.toLowerCase() === key.toLowerCase())) return index < 0 ? undefined : null;
      sql = `struct_extract(${sql}, ${sqlString(key)})`;
      type = struct.entryTypes[index]!;
    }
    return { sql, type };
  };
  const raw: string[] = [];
  const values = new Map<string, SourceValue>();
  const signature: string[] = [];
  for (const [i, attribute] of attributes.entries()) {
    const { name, segments } = attribute;
    if (inherited(name) || segments.some(inherited)) return null;
    // A column named as written wins over the path (readSource); to_json keeps every column, so that is known here.
    const found = top.has(name) ? resolve([name]) : resolve(segments);
    if (found === null) return null;
    const key = JSON.stringify([name, segments]);
    if (!found) {
      values.set(key, { text: 'NULL::VARCHAR', ...ALWAYS });
      signature.push('');
      continue;
    }
    const value = parquetValue(`r${i}`, found.type);
    raw.push(`${found.sql} AS r${i}`, `${value.text} AS s${i}`);
    values.set(key, { text: `s${i}`, faithful: value.faithful });
    signature.push(found.type.toString());
  }
  return {
    key: JSON.stringify(['parquet', attributes, signature, rowChecks]),
    value: (name, segments) => values.get(JSON.stringify([name, segments])) ?? null,
    rowChecks,
    from: `(SELECT __t${raw.map((r) => `, ${r}`).join('')} FROM (SELECT *, __t FROM ${file} __t)) AS __source`,
    // file_row_number is a virtual column of the reader: neither `*` nor the row `__t` holds it. Columns named
    // like the names used here would be mistaken for them: such files keep the scratch path.
    ...(names.some((n) => ['__t', '__position', 'file_row_number'].includes(n.toLowerCase()))
      ? {}
      : {
          numbered: {
            from: `(SELECT __t, file_row_number AS __position${raw.map((r) => `, ${r}`).join('')} FROM (SELECT *, __t, file_row_number FROM ${file} __t)) AS __source`,
            position: '__position',
            count: `SELECT count(*)::INTEGER AS total FROM ${file}`,
            // Read straight from the table `__t`: `__t."a"` is then its column, and only the columns used are read.
            bare: `(SELECT file_row_number AS __position${raw.map((r) => `, ${r}`).join('')} FROM ${file} __t) AS __source`,
          },
        }),
    columns: attributes.flatMap((a, i) => (raw.some((r) => r.endsWith(` AS s${i}`)) ? [`s${i}`] : [])),
    record: { column: '__t', text: (column) => `to_json(${column})::VARCHAR` },
    async *flagged(rows) {
      for await (const chunk of rows) {
        try {
          yield chunk.map((row) => jsonRecord(row[row.length - 1] as string | null, row[0] as number));
        } catch (error) {
          throw readFailure(error, 'Parquet');
        }
      }
    },
    failure: () => null,
  };
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
