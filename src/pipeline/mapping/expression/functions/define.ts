import { ZonedDateTime } from '@js-joda/core';
import { RowCode } from '../../../errors.js';
import { MappingError } from '../ast.js';

/** One parameter as `GET /languages/el/functions` describes it. */
export interface FunctionParam {
  name: string;
  description: string;
  /** Data Prep's type word: string, integer, number, boolean, object, array, date. */
  type: string;
  optional?: boolean;
  /** The last parameter may repeat. */
  variadic?: boolean;
}

/**
 * A Data Prep function: its implementation and the description the functions endpoint serves.
 * Implementations get evaluated arguments and return a plain value, a ZonedDateTime, or null.
 */
export interface FunctionDef {
  name: string;
  aliases?: string[];
  category: string;
  description: string;
  syntax: string;
  returns: string;
  returnType: string;
  example: string;
  result: string;
  params: FunctionParam[];
  /** Gives a new value on each call (uuid, now): never folded as a constant. */
  volatile?: boolean;
  impl: (args: unknown[]) => unknown;
}

/** A function given an input it cannot work with: the row fails with MAPPER-2004. */
export function fnError(fn: string, message: string): MappingError {
  return new MappingError(RowCode.functionFailed, `${fn}: ${message}`);
}

export function isDate(value: unknown): value is ZonedDateTime {
  return value instanceof ZonedDateTime;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isDate(value);
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (isDate(value)) return 'a date';
  if (typeof value === 'object' && value !== null) return 'an object';
  return JSON.stringify(value);
}

/** Text of a scalar (numbers and booleans as Java prints them); objects and arrays are refused. */
export function text(fn: string, value: unknown, param = 'input'): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (isDate(value)) return value.toString();
  throw fnError(fn, `${param} must be a string, got ${describe(value)}`);
}

const NUMERIC = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** A number from a number or a numeric string (delimited sources carry only strings). */
export function number(fn: string, value: unknown, param = 'input'): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && NUMERIC.test(value)) return Number(value);
  throw fnError(fn, `${param} must be a number, got ${describe(value)}`);
}

export function integer(fn: string, value: unknown, param = 'input'): number {
  const n = number(fn, value, param);
  if (!Number.isInteger(n)) throw fnError(fn, `${param} must be an integer, got ${describe(value)}`);
  return n;
}

export function boolean(fn: string, value: unknown, param = 'input'): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
  throw fnError(fn, `${param} must be a boolean, got ${describe(value)}`);
}

export function array(fn: string, value: unknown, param = 'input'): unknown[] {
  if (Array.isArray(value)) return value;
  throw fnError(fn, `${param} must be an array, got ${describe(value)}`);
}

export function object(fn: string, value: unknown, param = 'input'): Record<string, unknown> {
  if (isObject(value)) return value;
  throw fnError(fn, `${param} must be an object, got ${describe(value)}`);
}

/** A regular expression from Java syntax; the common Java-only constructs are translated. */
export function regex(fn: string, source: string, flags = ''): RegExp {
  try {
    // Java's possessive quantifiers and \A / \Z anchors have close JavaScript equivalents.
    const js = source
      .replace(/\\A/g, '^')
      .replace(/\\[Zz]/g, '$')
      .replace(/([*+?}])\+/g, '$1');
    return new RegExp(js, flags);
  } catch (error) {
    throw fnError(fn, `invalid regular expression ${JSON.stringify(source)}: ${(error as Error).message}`);
  }
}

/** Shorthand for a parameter description. */
export function p(name: string, type: string, description: string, extra: Partial<FunctionParam> = {}): FunctionParam {
  return { name, type, description, ...extra };
}
