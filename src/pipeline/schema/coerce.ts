import { civilFromDays, daysFromCivil, MS_PER_DAY, validCalendarDate } from './calendar.js';
import type { IntegerWidth, XdmField } from './xdm-fields.js';

/**
 * Converts a source value to its target field's type the way AEP does at ingestion:
 * strings become numbers, dates and date-times; longs (epoch milliseconds) become dates and
 * date-times; numbers and booleans become strings. Arrays are never made from scalars.
 *
 * One deliberate extension: the strings "true"/"false" become booleans. AEP documents no boolean
 * conversion for typed sources, but a delimited file carries only strings, and without it no CSV
 * column could ever fill a boolean field.
 *
 * Returns undefined for "no value" (null, or an empty string for a non-string field): the field is
 * left out of the row rather than set to null.
 */
export function coerce(value: unknown, field: XdmField | undefined, path: string): unknown {
  if (value === null || value === undefined) return undefined;
  if (!field) return value;
  switch (field.kind) {
    case 'string':
      return toText(value, path);
    case 'integer':
      return toInteger(value, field.width, path);
    case 'number':
      return toNumber(value, path);
    case 'boolean':
      return toBoolean(value, path);
    case 'date':
      return toDate(value, path);
    case 'date-time':
      return toDateTime(value, path);
    case 'object':
      return toObject(value, field.properties, path);
    case 'map':
      return toMap(value, field.values, path);
    case 'array':
      return toArray(value, field.items, path);
    case 'any':
      return value;
  }
}

/** A value that cannot become its field's type; the row fails with TYPE-3001. */
export class CoercionError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

function fail(path: string, value: unknown, target: string): never {
  const shown =
    typeof value === 'string'
      ? JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)
      : Array.isArray(value)
        ? 'an array'
        : typeof value === 'object'
          ? 'an object'
          : String(value);
  // Thrown once per bad value and always caught by the mapper: its stack trace would cost more than
  // the rest of the check (a run with 10,000 broken rows makes as many).
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  let error: CoercionError;
  try {
    error = new CoercionError(path, `cannot convert ${shown} to ${target} for "${path}"`);
  } finally {
    Error.stackTraceLimit = limit;
  }
  throw error;
}

function isBlank(value: unknown): boolean {
  return typeof value === 'string' && value.trim() === '';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function toText(value: unknown, path: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return fail(path, value, 'string');
}

const RANGES: Record<IntegerWidth, [number, number]> = {
  byte: [-128, 127],
  short: [-32_768, 32_767],
  int: [-2_147_483_648, 2_147_483_647],
  long: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};
const INTEGER_TEXT = /^[+-]?\d+(?:\.0*)?$/;
const NUMBER_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function toInteger(value: unknown, width: IntegerWidth, path: string): number | undefined {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'bigint') n = Number(value);
  else if (typeof value === 'string') {
    if (isBlank(value)) return undefined;
    const text = value.trim();
    if (!INTEGER_TEXT.test(text)) return fail(path, value, `an integer (${width})`);
    n = Number(text);
  } else return fail(path, value, `an integer (${width})`);
  const [min, max] = RANGES[width];
  if (!Number.isInteger(n) || n < min || n > max) return fail(path, value, `an integer (${width})`);
  return n;
}

function toNumber(value: unknown, path: string): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') {
    if (isBlank(value)) return undefined;
    const text = value.trim();
    if (NUMBER_TEXT.test(text)) return Number(text);
  }
  return fail(path, value, 'a number');
}

function toBoolean(value: unknown, path: string): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    if (isBlank(value)) return undefined;
    const text = value.trim().toLowerCase();
    if (text === 'true') return true;
    if (text === 'false') return false;
  }
  return fail(path, value, 'a boolean');
}

// ISO 8601 extended form, with the usual relaxations of data files: a space instead of "T",
// seconds and fraction optional, offset as Z, +hh, +hhmm or +hh:mm (absent means UTC).
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const BASIC_DATE = /^(\d{4})(\d{2})(\d{2})$/;
const EPOCH_MS = /^-?\d+$/;

const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));

/**
 * What toISOString writes for a UTC time in milliseconds, written here for the years 0–9999: toISOString cost
 * ~0.75 µs a value, the most of a date-time's conversion.
 */
function isoString(ms: number): string {
  const days = Math.floor(ms / MS_PER_DAY);
  const [y, mo, d] = civilFromDays(days);
  if (y < 0 || y > 9999) return new Date(ms).toISOString();
  const inDay = ms - days * MS_PER_DAY;
  const seconds = Math.floor(inDay / 1000);
  const h = Math.floor(seconds / 3600);
  const mi = Math.floor((seconds % 3600) / 60);
  const year = y < 1000 ? String(y).padStart(4, '0') : String(y);
  const millis = String(inDay - seconds * 1000).padStart(3, '0');
  return `${year}-${TWO_DIGITS[mo]}-${TWO_DIGITS[d]}T${TWO_DIGITS[h]}:${TWO_DIGITS[mi]}:${TWO_DIGITS[seconds % 60]}.${millis}Z`;
}

function fromEpochMs(ms: number, path: string, value: unknown, target: string): Date {
  const date = new Date(ms);
  if (!Number.isInteger(ms) || Number.isNaN(date.getTime())) return fail(path, value, target);
  return date;
}

function toDate(value: unknown, path: string): string | undefined {
  if (typeof value === 'number') return fromEpochMs(value, path, value, 'a date').toISOString().slice(0, 10);
  if (typeof value !== 'string') return fail(path, value, 'a date');
  if (isBlank(value)) return undefined;
  const text = value.trim();
  const basic = BASIC_DATE.exec(text);
  if (basic) {
    const [y, m, d] = [Number(basic[1]), Number(basic[2]), Number(basic[3])];
    if (validCalendarDate(y, m, d)) return `${basic[1]}-${basic[2]}-${basic[3]}`;
    return fail(path, value, 'a date');
  }
  if (EPOCH_MS.test(text)) return fromEpochMs(Number(text), path, value, 'a date').toISOString().slice(0, 10);
  const match = DATE_TIME.exec(text);
  if (!match || !validCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]))) return fail(path, value, 'a date');
  // The date as written: an offset does not move it to another day.
  return `${match[1]}-${match[2]}-${match[3]}`;
}

function toDateTime(value: unknown, path: string): string | undefined {
  if (typeof value === 'number') return fromEpochMs(value, path, value, 'a date-time').toISOString();
  if (typeof value !== 'string') return fail(path, value, 'a date-time');
  if (isBlank(value)) return undefined;
  const text = value.trim();
  if (EPOCH_MS.test(text)) return fromEpochMs(Number(text), path, value, 'a date-time').toISOString();
  const m = DATE_TIME.exec(text);
  if (!m) return fail(path, value, 'a date-time');
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [h, mi, s] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (!validCalendarDate(y, mo, d) || h > 23 || mi > 59 || s > 59) return fail(path, value, 'a date-time');
  const fraction = (m[7] ?? '').padEnd(3, '0');
  let offsetMinutes = 0;
  const zone = m[8];
  if (zone && zone.toUpperCase() !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = Number(digits.slice(2) || '0');
    if (oh > 18 || om > 59) return fail(path, value, 'a date-time');
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  const ms = daysFromCivil(y, mo, d) * MS_PER_DAY + ((h * 60 + mi - offsetMinutes) * 60 + s) * 1000 + Number(fraction.slice(0, 3));
  const iso = isoString(ms);
  // Keep microseconds (Parquet timestamps hold them; a JS Date does not).
  const micros = fraction.slice(3, 6).replace(/0+$/, '');
  return micros ? `${iso.slice(0, -1)}${micros}Z` : iso;
}

function toObject(value: unknown, properties: Map<string, XdmField>, path: string): Record<string, unknown> {
  if (!isPlainObject(value)) return fail(path, value, 'an object');
  const result: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    // Fields the schema does not know are passed on untouched: validation decides about them.
    const field = properties.get(key);
    const converted = field ? coerce(child, field, path ? `${path}.${key}` : key) : child;
    if (converted !== undefined) result[key] = converted;
  }
  return result;
}

function toMap(value: unknown, values: XdmField, path: string): Record<string, unknown> {
  if (!isPlainObject(value)) return fail(path, value, 'a map');
  const result: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) {
    const converted = coerce(child, values, `${path}.${key}`);
    if (converted !== undefined) result[key] = converted;
  }
  return result;
}

function toArray(value: unknown, items: XdmField, path: string): unknown[] {
  if (!Array.isArray(value)) return fail(path, value, 'an array');
  return value.map((item, i) => coerce(item, items, `${path}[${i}]`) ?? null);
}
