import { createHash } from 'node:crypto';
import formatsModule from 'ajv-formats/dist/formats.js';
import type { FieldMapping } from '../contracts.js';
import { sqlIdent, sqlString } from '../engine/duckdb.js';
import { MappingError, type Expr } from '../mapping/expression/ast.js';
import { parseExpression } from '../mapping/expression/parse.js';
import { splitPath } from '../mapping/paths.js';
import { fieldAt, type ObjectField, type XdmField } from '../schema/xdm-fields.js';
import { duckType } from '../write/duck-types.js';
import { fieldReferences, planFunction, taggedOk, taggedValue, type PlanFunction } from './scalar-functions.js';
import { delimitedColumns, type SourceColumns, type SourceUse } from './plan-source.js';
import { leafConstraints, nodesAt, objectRules, type Constraints } from './schema-constraints.js';

/**
 * A mapping set compiled, with the resolved schema, into SQL over the rows of a source file as a
 * PlanSource gives them (the raw text columns of a delimited file, the values of a JSON record or of
 * a Parquet row as the text the JavaScript mapper would see):
 * - `ok`: true only for rows the JavaScript mapper would certainly accept, with the very values the
 *   SQL computes. It may be false for rows that are fine (unusual shapes of dates or numbers,
 *   non-ASCII text meeting a regular expression): those rows go through the JavaScript mapper,
 *   which also writes every row error. So errors have one source, and rows the same values.
 * - `columns`: the top-level output columns, typed as the Parquet writer of the JavaScript path
 *   types them (duckType of the schema field), with nested objects built by struct_pack. Only
 *   meaningful for the rows `ok` accepts.
 */
export interface SqlPlan {
  ok: string;
  columns: Array<{ name: string; sql: string }>;
  /** Top-level fields the mappings fill: every output file of the mapping has these columns. */
  topLevel: string[];
  /** Regular expressions the plan uses; the engine must accept each before the plan is used. */
  regexes: string[];
  /**
   * Columns computed once per row from the raw fields, before the verdict, and kept beside them in
   * the scratch copy: the results of the expressions with no SQL twin (see scalar-functions.ts).
   * `ok` and `columns` refer to them by name.
   */
  derived: Array<{ name: string; sql: string }>;
  /**
   * Values both the verdict and the output read (typed casts, the results of SQL twins), which DuckDB
   * would otherwise compute once per reference: columns computed once per row beside `derived`, from
   * the raw fields only, so that a scratch copy need not keep them (its reader computes them again).
   * `ok` and `columns` refer to them by name.
   */
  shared: Array<{ name: string; sql: string }>;
  /** The scalar functions `derived` calls; they must be registered on the engine before the plan runs. */
  functions: PlanFunction[];
}

const formats = ((formatsModule as unknown as { default?: unknown }).default ?? formatsModule) as { fullFormats: Record<string, unknown> };

/** Why a mapping set cannot run as SQL; the JavaScript mapper runs it instead. */
class NotExpressible extends Error {}

interface Leaf {
  path: string[];
  /** The typed value written. */
  value: string;
  /**
   * The source value before coercion. Where `ok` holds, the typed value is NULL exactly when this
   * is (a coercion that fails makes the row not ok), so presence tests use this cheaper form.
   */
  source: string;
}

/** Tab, line feed, vertical tab, form feed, carriage return and space: the ASCII characters JavaScript's trim() removes. */
const ASCII_WHITE_SPACE = `chr(9) || chr(10) || chr(11) || chr(12) || chr(13) || ' '`;

const INTEGER_LIMITS = {
  byte: [-128, 127],
  short: [-32768, 32767],
  int: [-2147483648, 2147483647],
  long: [-9007199254740991, 9007199254740991],
} as const;

/** Values compared with a regular expression must be plain ASCII (no vertical tab) for RE2 and JavaScript to agree. */
const REGEX_SAFE = (v: string) => `strlen(${v}) = length(${v}) AND NOT contains(${v}, chr(11))`;

/**
 * Cheap sufficient conditions for the formats' regular expressions: case-sensitive, ASCII-only
 * (so REGEX_SAFE holds too) and each a sub-language of ajv-formats' expression (3.0.1), whose
 * source is pinned by its SHA-256. Most values meet them, and then neither the ASCII test nor the
 * long case-insensitive expression runs; the others take the full test, so the verdict is the same.
 */
export const FORMAT_FAST_PATHS: Record<string, { sha256: string; fast: string }> = {
  // The expression itself, with its classes narrowed to letters, digits, "_" and "-" spelt in both cases.
  email: {
    sha256: 'd2b186762cdc6c77568ff001fb13ed97285973e5635c9827f4add64005d6cc39',
    fast: '[A-Za-z0-9_-]+(?:\\.[A-Za-z0-9_-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\\.)+[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?',
  },
  // A relative reference made of one path segment of unreserved characters (ids such as "p-1").
  'uri-reference': { sha256: 'd6f787ee3eecbffd2b17274ead760d7820f1b60be16ed62991eaea1214b3d2ab', fast: '[A-Za-z0-9._~-]+' },
};

/** The fast path of a format, only while ajv-formats' expression is the one it was written against. */
function fastPath(format: string, re: RegExp): string | null {
  const known = FORMAT_FAST_PATHS[format];
  if (!known || !re.flags.includes('i') || createHash('sha256').update(re.source).digest('hex') !== known.sha256) return null;
  return known.fast;
}

/** Whether every number from `low` to `high` meets the schema's numeric bounds. */
function boundsHold(c: Constraints, low: number, high: number): boolean {
  return (
    (c.minimum === undefined || c.minimum <= low) &&
    (c.exclusiveMinimum === undefined || c.exclusiveMinimum < low) &&
    (c.maximum === undefined || c.maximum >= high) &&
    (c.exclusiveMaximum === undefined || c.exclusiveMaximum > high)
  );
}

export function compileSqlPlan(
  mappings: FieldMapping[] | null,
  root: ObjectField,
  schema: Record<string, unknown>,
  /** The source's attributes; a list of names: the columns of a delimited file with that header. */
  source: SourceColumns | readonly string[],
): SqlPlan | null {
  if (mappings === null || mappings.length === 0) return null;
  try {
    return new Compiler(root, schema, isNames(source) ? delimitedColumns(source) : source).compile(mappings);
  } catch (error) {
    if (error instanceof NotExpressible) return null;
    throw error;
  }
}

const ONE_ARGUMENT_TWINS = new Set(['lower', 'lcase', 'upper', 'ucase', 'trim', 'ltrim', 'rtrim']);

/** Whether an expression is made only of the forms the plan writes in SQL with the row mapper's exact result. */
function hasTwin(expr: Expr): boolean {
  switch (expr.kind) {
    case 'field':
      return true;
    case 'literal':
      return typeof expr.value === 'string' || expr.value === null;
    case 'call': {
      const name = expr.name.toLowerCase();
      const arity = name === 'concat' ? expr.args.length > 0 : ONE_ARGUMENT_TWINS.has(name) && expr.args.length === 1;
      return arity && expr.args.every(hasTwin);
    }
    default:
      return false;
  }
}
/** How much each use asks of a source value's text: a check for a stricter use covers the looser ones. */
const USE_STRICTNESS: Record<SourceUse, number> = { typed: 0, string: 1, expression: 2 };

const isNames = (source: SourceColumns | readonly string[]): source is readonly string[] => Array.isArray(source);

class Compiler {
  private readonly checks: string[] = [];
  private readonly leaves: Leaf[] = [];
  private readonly regexes: string[] = [];
  private readonly derived: Array<{ name: string; sql: string }> = [];
  private readonly sharedValues: Array<{ name: string; sql: string }> = [];
  /** The names of `sharedValues`, by their SQL. */
  private readonly sharedNames = new Map<string, string>();
  /** Values written by an SQL twin of a function call: worth computing once (see shared). */
  private readonly computed = new Set<string>();
  /** Values read from a vectorized function's result (see vectorized): not shared. */
  private readonly functionResults = new Set<string>();
  private readonly functions = new Map<string, { fn: PlanFunction; column: string }>();
  private readonly identities = new Map<string, Array<{ value: string; primary: boolean }>>();
  /** Per source value read, the strongest use whose faithfulness check is in `checks`, and where. */
  private readonly faithfulChecks = new Map<string, { use: SourceUse; at: number }>();

  constructor(
    private readonly root: ObjectField,
    private readonly schema: Record<string, unknown>,
    private readonly rows: SourceColumns,
  ) {}

  compile(mappings: FieldMapping[]): SqlPlan {
    // Rows the source cannot map in SQL at all (a ragged delimited row) are for the JavaScript reader to report.
    this.checks.push(...this.rows.rowChecks);
    for (const mapping of mappings) this.mapping(mapping);
    this.objectChecks();
    const topLevel = [...this.root.properties.keys()].filter(
      (name) => this.leaves.some((l) => l.path[0] === name) || (name === 'identityMap' && this.identities.size > 0),
    );
    const columns = topLevel.map((name) => ({
      name,
      sql: `${this.build([name], this.root.properties.get(name)!)}::${duckType(this.root.properties.get(name)!)}`,
    }));
    // A row with no value for any field has nothing to land (XDM-4002, written by the JavaScript path).
    this.checks.push(`(${this.present(this.leaves) || 'false'})`);
    return {
      // The same condition met twice (one lower() input checked for each use) is tested once.
      ok: [...new Set(this.checks)].map((c) => `(${c})`).join(' AND '),
      columns,
      topLevel,
      regexes: this.regexes,
      derived: this.derived,
      shared: this.sharedValues,
      functions: [...this.functions.values()].map((f) => f.fn),
    };
  }

  private mapping(mapping: FieldMapping): void {
    const path = splitPath(mapping.destination);
    const field = fieldAt(this.root, path);
    if (!field) throw new NotExpressible();
    const source = this.source(mapping, field.kind === 'string' ? 'string' : 'typed');
    const value = this.coerce(source, field, path);
    // A string's value is its source, perhaps computed once (see shared): presence tests read that too.
    this.leaves.push({ path, value, source: field.kind === 'string' ? value : source });
    if (mapping.identity && this.root.properties.get('identityMap')?.kind === 'map') {
      if (field.kind !== 'string' && field.kind !== 'integer') throw new NotExpressible();
      const list = this.identities.get(mapping.identity.namespaceCode) ?? [];
      list.push({ value: `${value}::VARCHAR`, primary: mapping.identity.primary ?? false });
      this.identities.set(mapping.identity.namespaceCode, list);
    }
  }

  /** The source value as VARCHAR (NULL for no value), as the JavaScript mapper reads it. */
  private source(mapping: FieldMapping, use: SourceUse): string {
    switch (mapping.sourceType) {
      case 'STATIC':
        return sqlString(mapping.source);
      case 'ATTRIBUTE':
        return this.column(mapping.source, splitPath(mapping.source), use);
      case 'EXPRESSION':
        return this.expression(parseExpression(mapping.source));
    }
  }

  /** A source attribute as text; rows where the text may not be what the JavaScript mapper sees go to it. */
  private column(name: string, segments: readonly string[], use: SourceUse): string {
    const value = this.rows.value(name, segments);
    if (!value) throw new NotExpressible();
    // A value read for several uses needs only the check of the strictest (see SourceValue.faithful).
    const known = this.faithfulChecks.get(value.text);
    if (known && USE_STRICTNESS[known.use] >= USE_STRICTNESS[use]) return value.text;
    const faithful = value.faithful(use);
    if (faithful) {
      if (known) this.checks[known.at] = faithful;
      else this.faithfulChecks.set(value.text, { use, at: this.checks.push(faithful) - 1 });
      if (known) known.use = use;
    }
    return value.text;
  }

  /**
   * An expression's value as VARCHAR. The few forms with an exact SQL twin are written in SQL; any
   * other expression runs, whole, as a vectorized function of the row mapper's own evaluator.
   */
  private expression(expr: Expr): string {
    return hasTwin(expr) ? this.twin(expr) : this.vectorized(expr);
  }

  /** An expression every node of which has an SQL twin (see hasTwin). */
  private twin(expr: Expr): string {
    switch (expr.kind) {
      case 'field':
        return this.column(expr.name, expr.segments, 'expression');
      case 'literal':
        return typeof expr.value === 'string' ? sqlString(expr.value) : 'NULL::VARCHAR';
      case 'call': {
        const name = expr.name.toLowerCase();
        const args = expr.args.map((a) => this.twin(a));
        if (name === 'concat') return this.computedBy(`CASE WHEN coalesce(${args.join(', ')}) IS NULL THEN NULL ELSE concat(${args.join(', ')}) END`);
        if (name === 'lower' || name === 'lcase' || name === 'upper' || name === 'ucase') {
          // Case mapping of non-ASCII letters differs between engines in corner cases: leave those rows to JavaScript.
          this.checks.push(`${args[0]} IS NULL OR strlen(${args[0]}) = length(${args[0]})`);
          return this.computedBy(`${name.startsWith('l') ? 'lower' : 'upper'}(${args[0]})`);
        }
        // trim, ltrim, rtrim: JavaScript's trim removes Unicode white space; within ASCII that is exactly these six characters.
        this.checks.push(`${args[0]} IS NULL OR strlen(${args[0]}) = length(${args[0]})`);
        return this.computedBy(`${name}(${args[0]}, ${ASCII_WHITE_SPACE})`);
      }
      default:
        throw new Error(`no SQL twin for ${expr.kind}`);
    }
  }

  /** An SQL twin's result, remembered as computed (a string field shares it, see coerce). */
  private computedBy(sql: string): string {
    this.computed.add(sql);
    return sql;
  }

  /**
   * A value the verdict and the output both read, as a column computed once per row (SqlPlan.shared): DuckDB
   * evaluates an expression once per reference, and a cast or a string function is the dearest part of a verdict.
   * Only values of the raw fields are shared (computed side by side with the functions' results, and again from a
   * scratch copy's raw fields): `sql` computed from `s`, a function's result, stays inline.
   */
  private shared(sql: string, s: string): string {
    if (this.functionResults.has(s)) return sql;
    let name = this.sharedNames.get(sql);
    if (!name) {
      name = `__v${this.sharedNames.size}`;
      this.sharedNames.set(sql, name);
      this.sharedValues.push({ name, sql });
    }
    return name;
  }

  /**
   * An expression run by a scalar function registered on the engine: computed once per row into a
   * derived column, whose FAILED result makes the row's verdict false. An expression the row mapper
   * cannot compile (unknown function, wrong argument count) fails every row: that is left to it.
   */
  private vectorized(expr: Expr): string {
    let fn: PlanFunction;
    const references = fieldReferences(expr);
    try {
      fn = planFunction(
        expr,
        references.map((r) => r.name),
      );
    } catch (error) {
      if (error instanceof MappingError) throw new NotExpressible();
      throw error;
    }
    let known = this.functions.get(fn.name);
    if (!known) {
      known = { fn, column: `__f${this.functions.size}` };
      this.functions.set(fn.name, known);
      // Each input must be the very string the evaluator would read; rows where it may not be go to the mapper.
      const args = references.map((r) => this.column(r.name, r.segments, 'expression'));
      this.derived.push({ name: known.column, sql: `${fn.name}(${args.join(', ')})` });
      this.checks.push(taggedOk(known.column));
    }
    const result = taggedValue(known.column);
    this.functionResults.add(result);
    return result;
  }

  /** The typed value for a field, and (into checks) the condition under which it is certainly right. */
  private coerce(s: string, field: XdmField, path: string[]): string {
    const constraints = leafConstraints(nodesAt(this.schema, path));
    if (!constraints) throw new NotExpressible();
    let value: string;
    switch (field.kind) {
      case 'string':
        value = this.computed.has(s) ? this.shared(s, s) : s;
        break;
      case 'integer': {
        const [min, max] = INTEGER_LIMITS[field.width];
        // Where the shape check holds, the integer part is all there is (any fraction is zeros).
        const n = this.shared(`TRY_CAST(split_part(${s}, '.', 1) AS BIGINT)`, s);
        value = `TRY_CAST(${n} AS ${duckType(field)})`;
        const shape = `regexp_full_match(${s}, '[+-]?\\d{1,15}(\\.0*)?') AND ${n} BETWEEN ${min} AND ${max}`;
        // Plain digits too few to leave the range (0 … 10^digits − 1) need neither the full shape nor the
        // range test, nor the schema's bounds when the whole span meets them: one test decides most values.
        const digits = Math.min(15, String(max).length - 1);
        const fast = `regexp_full_match(${s}, '\\d{1,${digits}}')`;
        const conditions = this.conditions(value, field, constraints);
        if (conditions.length === 0) this.checks.push(`${s} IS NULL OR ${fast} OR (${shape})`);
        else if (boundsHold(constraints, 0, 10 ** digits - 1))
          this.checks.push(`${s} IS NULL OR ${fast} OR (${shape} AND ${conditions.join(' AND ')})`);
        else this.checks.push(`${s} IS NULL OR ${fast} OR (${shape})`, `${s} IS NULL OR (${conditions.join(' AND ')})`);
        return value;
      }
      case 'number': {
        const n = this.shared(`TRY_CAST(${s} AS DOUBLE)`, s);
        this.checks.push(`${s} IS NULL OR (regexp_full_match(${s}, '[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?') AND isfinite(${n}))`);
        value = n;
        break;
      }
      case 'boolean':
        this.checks.push(`${s} IS NULL OR lower(${s}) IN ('true', 'false')`);
        value = `(lower(${s}) = 'true')`;
        break;
      case 'date':
        value = this.shared(`TRY_CAST(${s} AS DATE)`, s);
        // A value that is its own date written back (ten characters, not year 0xxx) has the shape and is a date.
        this.checks.push(
          `${s} IS NULL OR (strlen(${s}) = 10 AND ${s} >= '1' AND ${value}::VARCHAR = ${s}) OR (regexp_full_match(${s}, '[1-9]\\d{3}-\\d{2}-\\d{2}') AND ${value} IS NOT NULL)`,
        );
        break;
      case 'date-time':
        value = this.shared(`TRY_CAST(${s} AS TIMESTAMPTZ)`, s);
        this.checks.push(
          `${s} IS NULL OR (regexp_full_match(${s}, '[1-9]\\d{3}-\\d{2}-\\d{2}T([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(\\.\\d{1,6})?(Z|[+-](0\\d|1[0-7]):[0-5]\\d)') AND ${value} IS NOT NULL)`,
        );
        break;
      default:
        throw new NotExpressible();
    }
    // A string's value is its source (see mapping).
    this.validate(value, field.kind === 'string' ? value : s, field, constraints);
    return value;
  }

  /** Checks of the schema's constraints on a typed value; `source` is NULL exactly when it is (see Leaf.source). */
  private validate(value: string, source: string, field: XdmField, c: Constraints): void {
    const conditions = this.conditions(value, field, c);
    if (conditions.length) this.checks.push(`${source} IS NULL OR (${conditions.join(' AND ')})`);
  }

  /** The schema's constraints on a non-NULL typed value, as SQL conditions that must all hold. */
  private conditions(value: string, field: XdmField, c: Constraints): string[] {
    const conditions: string[] = [];
    const textual = field.kind === 'string';
    if (c.format !== undefined) {
      if (field.kind === 'date' && c.format === 'date') {
        // Made by the cast above.
      } else if (field.kind === 'date-time' && c.format === 'date-time') {
        // Made by the cast above.
      } else if (textual && (c.format === 'email' || c.format === 'uri-reference')) {
        const re = formats.fullFormats[c.format];
        if (!(re instanceof RegExp)) throw new NotExpressible();
        const source = `${re.flags.includes('i') ? '(?i)' : ''}${re.source}`;
        this.regexes.push(source);
        const full = `${REGEX_SAFE(value)} AND regexp_matches(${value}, ${sqlString(source)})`;
        const shortcut = fastPath(c.format, re);
        conditions.push(shortcut ? `(regexp_full_match(${value}, ${sqlString(shortcut)}) OR (${full}))` : full);
      } else throw new NotExpressible();
    }
    if (c.pattern !== undefined) {
      if (!textual) throw new NotExpressible();
      this.regexes.push(c.pattern);
      conditions.push(`${REGEX_SAFE(value)} AND regexp_matches(${value}, ${sqlString(c.pattern)})`);
    }
    if (c.enum !== undefined) {
      if (!textual || !c.enum.every((e) => typeof e === 'string')) throw new NotExpressible();
      conditions.push(c.enum.length ? `${value} IN (${c.enum.map((e) => sqlString(e as string)).join(', ')})` : 'false');
    }
    if (c.minLength !== undefined || c.maxLength !== undefined) {
      if (!textual) throw new NotExpressible();
      // JavaScript and DuckDB count the same characters for ASCII text; other text goes to JavaScript.
      conditions.push(`strlen(${value}) = length(${value})`);
      if (c.minLength !== undefined) conditions.push(`length(${value}) >= ${Number(c.minLength)}`);
      if (c.maxLength !== undefined) conditions.push(`length(${value}) <= ${Number(c.maxLength)}`);
    }
    const numeric = field.kind === 'integer' || field.kind === 'number';
    for (const [key, op] of [
      ['minimum', '>='],
      ['maximum', '<='],
      ['exclusiveMinimum', '>'],
      ['exclusiveMaximum', '<'],
    ] as const) {
      const bound = c[key];
      if (bound === undefined) continue;
      if (!numeric || typeof bound !== 'number') throw new NotExpressible();
      conditions.push(`${value} ${op} ${bound}`);
    }
    return conditions;
  }

  /** `required` of the objects the mappings fill: an object that is present must hold them. */
  private objectChecks(): void {
    const objects = new Set<string>(['']);
    for (const leaf of this.leaves) for (let i = 1; i < leaf.path.length; i++) objects.add(leaf.path.slice(0, i).join('\u0000'));
    for (const key of objects) {
      const path = key === '' ? [] : key.split('\u0000');
      const rules = objectRules(nodesAt(this.schema, path));
      if (rules.unsupported) throw new NotExpressible();
      if (rules.required.length === 0) continue;
      const present = path.length === 0 ? 'true' : this.presence(path);
      const held = rules.required.map((name) => this.presence([...path, name]));
      this.checks.push(`NOT (${present}) OR (${held.join(' AND ')})`);
    }
  }

  /** Whether anything is written at or below a path. */
  private presence(path: string[]): string {
    const under = this.leaves.filter((l) => path.every((segment, i) => l.path[i] === segment));
    const identity = path.length === 1 && path[0] === 'identityMap' && this.identities.size > 0 ? [this.identityMap()] : [];
    const parts = [this.present(under), ...identity.map((m) => `${m} IS NOT NULL`)].filter(Boolean);
    return parts.length ? parts.join(' OR ') : 'false';
  }

  /**
   * Whether any of the leaves has a value. Only meaningful where `ok` holds (inside it, or for the
   * rows it accepts): see Leaf.source. Shortest tests first: an OR stops at the first that holds.
   */
  private present(leaves: Leaf[]): string {
    const tests = [...new Set(leaves.map((l) => `${l.source} IS NOT NULL`))].sort((a, b) => a.length - b.length);
    return tests.join(' OR ');
  }

  /** The value of an object (or leaf) at a path: NULL when nothing below it has a value, as in JavaScript. */
  private build(path: string[], field: XdmField): string {
    if (path.length === 1 && path[0] === 'identityMap') return this.identityMap();
    const leaf = this.leaves.find((l) => l.path.length === path.length && l.path.every((s, i) => s === path[i]));
    if (leaf) return leaf.value;
    if (field.kind !== 'object' || field.properties.size === 0) return `NULL::${duckType(field)}`;
    const members = [...field.properties].map(([name, child]) => `${sqlIdent(name)} := ${this.build([...path, name], child)}`);
    return `CASE WHEN ${this.presence(path)} THEN struct_pack(${members.join(', ')}) END`;
  }

  /** identityMap: namespace → [{id, primary}], only namespaces with a value, NULL when none has. */
  private identityMap(): string {
    const field = this.root.properties.get('identityMap')!;
    // Each entry carries every field of the schema's identity item, so the list has its exact type.
    const item = field.kind === 'map' && field.values.kind === 'array' ? field.values.items : null;
    if (!item || item.kind !== 'object') throw new NotExpressible();
    const member = (name: string, child: XdmField, id: { value: string; primary: boolean }) =>
      `${sqlIdent(name)} := ${name === 'id' ? id.value : name === 'primary' ? String(id.primary) : `NULL::${duckType(child)}`}`;
    const entries = [...this.identities].map(([namespace, ids]) => {
      const items = ids.map((id) => `struct_pack(${[...item.properties].map(([name, child]) => member(name, child, id)).join(', ')})`).join(', ');
      return `{'key': ${sqlString(namespace)}, 'value': list_filter([${items}], x -> x.id IS NOT NULL)}`;
    });
    const list = `list_filter([${entries.join(', ')}], e -> len(e.value) > 0)`;
    return `CASE WHEN len(${list}) > 0 THEN map_from_entries(${list}) END::${duckType(field)}`;
  }
}
