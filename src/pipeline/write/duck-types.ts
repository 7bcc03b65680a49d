import { sqlIdent } from '../engine/duckdb.js';
import { rootField, type XdmField } from '../schema/xdm-fields.js';

const INTEGER_TYPES = { byte: 'TINYINT', short: 'SMALLINT', int: 'INTEGER', long: 'BIGINT' } as const;

/**
 * The DuckDB (and so Parquet) type of an XDM field. Objects become STRUCTs with every field of the
 * tree given: a whole schema's (the table Query Service shows), or the part of it a mapping writes
 * (a batch's files, see writtenFields); DuckDB casts one to the other by field name.
 */
export function duckType(field: XdmField): string {
  switch (field.kind) {
    case 'string':
      return 'VARCHAR';
    case 'integer':
      return INTEGER_TYPES[field.width];
    case 'number':
      return 'DOUBLE';
    case 'boolean':
      return 'BOOLEAN';
    case 'date':
      return 'DATE';
    case 'date-time':
      return 'TIMESTAMPTZ';
    case 'object':
      // DuckDB has no empty STRUCT; an object without declared fields keeps its content as JSON.
      if (field.properties.size === 0) return 'JSON';
      return `STRUCT(${[...field.properties].map(([name, child]) => `${sqlIdent(name)} ${duckType(child)}`).join(', ')})`;
    case 'map':
      return `MAP(VARCHAR, ${duckType(field.values)})`;
    case 'array':
      return `${duckType(field.items)}[]`;
    case 'any':
      return 'JSON';
  }
}

/** A dataset's table as Query Service shows it: each top-level field of its schema, with its type. */
export function schemaColumns(schema: Record<string, unknown>): Array<{ name: string; type: string }> {
  return [...rootField(schema).properties].map(([name, field]) => ({ name, type: duckType(field) }));
}
