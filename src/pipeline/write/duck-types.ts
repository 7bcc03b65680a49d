import { sqlIdent } from '../engine/duckdb.js';
import type { XdmField } from '../schema/xdm-fields.js';

const INTEGER_TYPES = { byte: 'TINYINT', short: 'SMALLINT', int: 'INTEGER', long: 'BIGINT' } as const;

/**
 * The DuckDB (and so Parquet) type of an XDM field. Objects become STRUCTs with every field the
 * schema defines, so that files of one dataset written from different mappings share a shape and
 * `person.name.firstName` can be selected from any of them.
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
