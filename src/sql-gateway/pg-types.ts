import type { WireColumn } from './wire-messages.js';

/** PostgreSQL type OIDs (pg_type.oid) and sizes of the types a DuckDB result is shown as. */
export const PG_TYPES = {
  bool: { oid: 16, size: 1 },
  int2: { oid: 21, size: 2 },
  int4: { oid: 23, size: 4 },
  int8: { oid: 20, size: 8 },
  float4: { oid: 700, size: 4 },
  float8: { oid: 701, size: 8 },
  numeric: { oid: 1700, size: -1 },
  text: { oid: 25, size: -1 },
  bytea: { oid: 17, size: -1 },
  date: { oid: 1082, size: 4 },
  time: { oid: 1083, size: 8 },
  timestamp: { oid: 1114, size: 8 },
  timestamptz: { oid: 1184, size: 8 },
  interval: { oid: 1186, size: 16 },
  uuid: { oid: 2950, size: 16 },
  json: { oid: 114, size: -1 },
} as const;

type PgType = (typeof PG_TYPES)[keyof typeof PG_TYPES];

/** DuckDB's scalar type names (as `DuckDBType.toString()` spells them) and the PostgreSQL type each is sent as. */
const SCALARS: Record<string, PgType> = {
  BOOLEAN: PG_TYPES.bool,
  TINYINT: PG_TYPES.int2,
  SMALLINT: PG_TYPES.int2,
  UTINYINT: PG_TYPES.int2,
  INTEGER: PG_TYPES.int4,
  USMALLINT: PG_TYPES.int4,
  BIGINT: PG_TYPES.int8,
  UINTEGER: PG_TYPES.int8,
  // Past int8's range: numeric holds them exactly.
  UBIGINT: PG_TYPES.numeric,
  HUGEINT: PG_TYPES.numeric,
  UHUGEINT: PG_TYPES.numeric,
  BIGNUM: PG_TYPES.numeric,
  FLOAT: PG_TYPES.float4,
  DOUBLE: PG_TYPES.float8,
  DATE: PG_TYPES.date,
  TIME: PG_TYPES.time,
  TIMESTAMP: PG_TYPES.timestamp,
  TIMESTAMP_S: PG_TYPES.timestamp,
  TIMESTAMP_MS: PG_TYPES.timestamp,
  TIMESTAMP_NS: PG_TYPES.timestamp,
  'TIMESTAMP WITH TIME ZONE': PG_TYPES.timestamptz,
  INTERVAL: PG_TYPES.interval,
  UUID: PG_TYPES.uuid,
  VARCHAR: PG_TYPES.text,
  // DuckDB's text of a blob escapes bytes as \xNN, which is not bytea's text form: sent as text.
  BLOB: PG_TYPES.text,
  JSON: PG_TYPES.json,
};

/**
 * The PostgreSQL type a DuckDB column is sent as: scalars as their PostgreSQL counterpart, DECIMAL as numeric,
 * nested values (STRUCT, MAP, LIST, ARRAY, UNION) as json, anything else (ENUM, BIT, …) as text.
 */
export function pgTypeOf(duckdbType: string | null): PgType {
  if (duckdbType === null) return PG_TYPES.text;
  const type = duckdbType.trim().toUpperCase();
  const scalar = SCALARS[type];
  if (scalar) return scalar;
  if (type.startsWith('DECIMAL')) return PG_TYPES.numeric;
  if (/^(STRUCT|MAP|UNION)\(/.test(type) || type.endsWith(']')) return PG_TYPES.json;
  return PG_TYPES.text;
}

export function wireColumns(columns: Array<{ name: string; type: string }>): WireColumn[] {
  return columns.map((c) => ({ name: c.name, ...pgTypeOf(c.type) }));
}

/**
 * A value as DuckDB's JSON rows hold it, in PostgreSQL's text format: DuckDB's JSON already writes dates, times,
 * timestamps, decimals and big integers as the text PostgreSQL uses; booleans are `t`/`f`; nested values are JSON.
 */
export function textValue(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : value > 0 ? 'Infinity' : value < 0 ? '-Infinity' : 'NaN';
  return JSON.stringify(value);
}
