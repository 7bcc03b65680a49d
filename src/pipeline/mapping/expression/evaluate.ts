import { DateTimeFormatter } from '@js-joda/core';
import { RowCode } from '../../errors.js';
import { readSource } from '../paths.js';
import { MappingError, type BinaryOp, type Expr } from './ast.js';
import { fnError, integer, number, text } from './functions/define.js';
import { compareValues, FUNCTIONS_BY_NAME, getMember, isDate, truthy } from './functions/index.js';
import { parseExpression } from './parse.js';

export type Evaluator = (record: Record<string, unknown>) => unknown;

/**
 * Turns an expression into a function of one source record. Parsing and function lookup happen
 * once here; a problem found here fails every row with the same code, as AEP does. The value an
 * expression gives is plain (dates become ISO-8601 text with their offset) so that coercion to the
 * target field's type treats it like any source value.
 */
export function compileExpression(text: string): Evaluator {
  try {
    return compileTree(parseExpression(text));
  } catch (error) {
    if (!(error instanceof MappingError)) throw error;
    return () => {
      throw error;
    };
  }
}

/**
 * The evaluator of an expression already parsed, giving the same plain value as compileExpression.
 * A problem found while compiling (unknown function, wrong argument count) is thrown here. The SQL
 * plan's vectorized functions run this very evaluator (plan/scalar-functions.ts).
 */
export function compileTree(expr: Expr): Evaluator {
  const evaluate = compile(expr);
  return (record) => plain(evaluate(record));
}

/** Checks an expression without running it: syntax, known functions, argument counts. */
export function checkExpression(source: string): void {
  compile(parseExpression(source));
}

function plain(value: unknown): unknown {
  if (isDate(value)) return value.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === 'object' && value !== null) {
    const result: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) result[key] = plain(child);
    return result;
  }
  return value;
}

function arity(name: string, count: number): void {
  const def = FUNCTIONS_BY_NAME.get(name.toLowerCase())!;
  const required = def.params.filter((p) => !p.optional && !p.variadic).length;
  const variadic = def.params.some((p) => p.variadic);
  if (count < required || (!variadic && count > def.params.length)) {
    const expected = variadic ? `at least ${required}` : required === def.params.length ? String(required) : `${required} to ${def.params.length}`;
    throw new MappingError(RowCode.badExpression, `${def.name} takes ${expected} argument(s), got ${count}`);
  }
}

function compile(expr: Expr): Evaluator {
  switch (expr.kind) {
    case 'literal': {
      const value = expr.value;
      return () => value;
    }
    case 'field': {
      const { name, segments } = expr;
      return (record) => readSource(record, name, segments) ?? null;
    }
    case 'array': {
      const items = expr.items.map(compile);
      return (record) => items.map((item) => item(record) ?? null);
    }
    case 'call': {
      const def = FUNCTIONS_BY_NAME.get(expr.name.toLowerCase());
      if (!def) throw new MappingError(RowCode.unsupportedFunction, `function "${expr.name}" does not exist`);
      arity(expr.name, expr.args.length);
      const args = expr.args.map(compile);
      const fn = def.impl;
      return (record) => fn(args.map((arg) => arg(record)));
    }
    case 'method':
      return compileMethod(expr.name, compile(expr.target), expr.args.map(compile));
    case 'index': {
      const target = compile(expr.target);
      const index = compile(expr.index);
      return (record) => getMember(target(record), index(record));
    }
    case 'conditional': {
      const test = compile(expr.test);
      const then = compile(expr.then);
      const otherwise = compile(expr.otherwise);
      return (record) => (truthy(test(record)) ? then(record) : otherwise(record));
    }
    case 'unary': {
      const operand = compile(expr.operand);
      switch (expr.op) {
        case '!':
          return (record) => !truthy(operand(record));
        case '-':
          return (record) => {
            const v = operand(record);
            return v === null || v === undefined ? null : -number('-', v);
          };
        case '~':
          return (record) => {
            const v = operand(record);
            return v === null || v === undefined ? null : ~integer('~', v);
          };
      }
      break;
    }
    case 'binary':
      return compileBinary(expr.op, compile(expr.left), compile(expr.right));
  }
  throw new MappingError(RowCode.badExpression, 'unknown expression');
}

/** Java String methods people write in AEP expressions, besides the functions taken as methods. */
const STRING_METHODS: Record<string, (self: string, args: unknown[]) => unknown> = {
  length: (s) => s.length,
  tolowercase: (s) => s.toLowerCase(),
  touppercase: (s) => s.toUpperCase(),
  trim: (s) => s.trim(),
  isempty: (s) => s.length === 0,
  contains: (s, a) => s.includes(text('contains', a[0])),
  startswith: (s, a) => s.startsWith(text('startsWith', a[0])),
  endswith: (s, a) => s.endsWith(text('endsWith', a[0])),
  substring: (s, a) => s.substring(integer('substring', a[0]), a[1] === undefined ? undefined : integer('substring', a[1])),
  indexof: (s, a) => s.indexOf(text('indexOf', a[0])),
};

function compileMethod(name: string, target: Evaluator, args: Evaluator[]): Evaluator {
  const lower = name.toLowerCase();
  if (lower === 'get') return (record) => getMember(target(record), args[0]?.(record));
  const stringMethod = STRING_METHODS[lower];
  const def = FUNCTIONS_BY_NAME.get(lower);
  if (!stringMethod && !def) throw new MappingError(RowCode.unsupportedFunction, `method "${name}" does not exist`);
  if (def && !stringMethod) arity(name, args.length + 1);
  return (record) => {
    const self = target(record);
    const values = args.map((arg) => arg(record));
    if (stringMethod && !def) {
      if (self === null || self === undefined) return null;
      return stringMethod(text(name, self), values);
    }
    return def!.impl([self, ...values]);
  };
}

const nullIn = (v: unknown) => v === null || v === undefined;

function compileBinary(op: BinaryOp, left: Evaluator, right: Evaluator): Evaluator {
  switch (op) {
    case '&&':
      return (record) => truthy(left(record)) && truthy(right(record));
    case '||':
      return (record) => truthy(left(record)) || truthy(right(record));
    case '==':
    case '!=': {
      const negate = op === '!=';
      return (record) => {
        const a = left(record);
        const b = right(record);
        const equal =
          nullIn(a) || nullIn(b)
            ? nullIn(a) && nullIn(b)
            : typeof a === 'boolean' || typeof b === 'boolean'
              ? String(a).toLowerCase() === String(b).toLowerCase()
              : compareValues(a, b) === 0;
        return negate ? !equal : equal;
      };
    }
    case '<':
    case '<=':
    case '>':
    case '>=':
      return (record) => {
        const a = left(record);
        const b = right(record);
        if (nullIn(a) || nullIn(b)) return false;
        const c = compareValues(a, b);
        return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
      };
    case '+':
      return (record) => {
        const a = left(record);
        const b = right(record);
        if (nullIn(a) || nullIn(b)) return null;
        // A string on either side makes + a concatenation, as in Java.
        if (typeof a === 'string' || typeof b === 'string' || isDate(a) || isDate(b)) return text('+', a) + text('+', b);
        return number('+', a) + number('+', b);
      };
    default:
      return (record) => {
        const a = left(record);
        const b = right(record);
        if (nullIn(a) || nullIn(b)) return null;
        return arithmetic(op, a, b);
      };
  }
}

function arithmetic(op: BinaryOp, a: unknown, b: unknown): number {
  const x = number(op, a, 'left operand');
  const y = number(op, b, 'right operand');
  const integers = Number.isInteger(x) && Number.isInteger(y);
  switch (op) {
    case '-':
      return x - y;
    case '*':
      return x * y;
    case '/':
      if (y === 0 && integers) throw fnError('/', 'division by zero');
      // Whole numbers divide as in Java: the fraction is dropped.
      return integers ? Math.trunc(x / y) : x / y;
    case '%':
      if (y === 0 && integers) throw fnError('%', 'division by zero');
      return x % y;
    case '&':
      return integer('&', a) & integer('&', b);
    case '|':
      return integer('|', a) | integer('|', b);
    case '^':
      return integer('^', a) ^ integer('^', b);
    default:
      throw fnError(op, 'unknown operator');
  }
}
