import type { ObjectField, XdmField } from '../../pipeline/schema/xdm-fields.js';

/**
 * Iceberg schemas (spec: "Schemas and Data Types", JSON serialisation of Appendix C) made from a dataset's
 * resolved XDM schema. Field ids are what Iceberg readers resolve columns by, so they must never change for a
 * field: ids are kept by path from the table's previous schema, and only new fields take new ones — XDM's
 * additive evolution becomes Iceberg schema evolution.
 */
export type IcebergPrimitive = 'boolean' | 'int' | 'long' | 'double' | 'date' | 'timestamptz' | 'string';
export type IcebergType = IcebergPrimitive | IcebergStruct | IcebergList | IcebergMap;

export interface IcebergField {
  id: number;
  name: string;
  required: boolean;
  type: IcebergType;
}
export interface IcebergStruct {
  type: 'struct';
  fields: IcebergField[];
}
export interface IcebergList {
  type: 'list';
  'element-id': number;
  element: IcebergType;
  'element-required': boolean;
}
export interface IcebergMap {
  type: 'map';
  'key-id': number;
  key: IcebergType;
  'value-id': number;
  value: IcebergType;
  'value-required': boolean;
}
export interface IcebergSchema extends IcebergStruct {
  'schema-id': number;
}

/** One entry of `schema.name-mapping.default`: how readers find a field in data files written without field ids. */
export interface NameMapping {
  'field-id': number;
  names: string[];
  fields?: NameMapping[];
}

const INTEGER = { byte: 'int', short: 'int', int: 'int', long: 'long' } as const;

/** A field's place in the schema: names from the root, with `element`, `key` and `value` for the insides of lists and maps. */
type PathKey = string;
const join = (path: string[]): PathKey => path.join('\u0000');

/** What a previous schema assigned: id and type kind by path (a field whose kind changed is a new field). */
function previousIds(schema: IcebergStruct | undefined): Map<PathKey, { id: number; kind: string }> {
  const ids = new Map<PathKey, { id: number; kind: string }>();
  const visit = (type: IcebergType, path: string[]) => {
    if (typeof type === 'string') return;
    if (type.type === 'struct')
      for (const field of type.fields) {
        ids.set(join([...path, field.name]), { id: field.id, kind: kindOf(field.type) });
        visit(field.type, [...path, field.name]);
      }
    else if (type.type === 'list') {
      ids.set(join([...path, 'element']), { id: type['element-id'], kind: kindOf(type.element) });
      visit(type.element, [...path, 'element']);
    } else {
      ids.set(join([...path, 'key']), { id: type['key-id'], kind: kindOf(type.key) });
      ids.set(join([...path, 'value']), { id: type['value-id'], kind: kindOf(type.value) });
      visit(type.value, [...path, 'value']);
    }
  };
  if (schema) visit(schema, []);
  return ids;
}

function kindOf(type: IcebergType): string {
  return typeof type === 'string' ? type : type.type;
}

/**
 * The Iceberg struct of a resolved XDM schema's root, with ids kept from `previous` and new ones counted on from
 * `lastColumnId`. Every field is optional: XDM rows may leave any field out. Objects without declared fields and
 * values of no usable type are JSON text, as the Parquet files hold them.
 */
export function icebergStruct(
  root: ObjectField,
  previous: IcebergStruct | undefined,
  lastColumnId: number,
): { struct: IcebergStruct; lastColumnId: number } {
  const known = previousIds(previous);
  let last = lastColumnId;
  const idFor = (path: string[], type: IcebergType): number => {
    const before = known.get(join(path));
    if (before && before.kind === kindOf(type)) return before.id;
    last += 1;
    return last;
  };
  // Ids are given parents first, children after, in declaration order: a new schema reads top-down.
  const typeOf = (field: XdmField, path: string[]): IcebergType => {
    switch (field.kind) {
      case 'string':
        return 'string';
      case 'integer':
        return INTEGER[field.width];
      case 'number':
        return 'double';
      case 'boolean':
        return 'boolean';
      case 'date':
        return 'date';
      case 'date-time':
        return 'timestamptz';
      case 'any':
        return 'string';
      case 'object':
        return field.properties.size === 0 ? 'string' : struct(field, path);
      case 'array': {
        const shape = shapeOf(field.items);
        const elementId = idFor([...path, 'element'], shape);
        return { type: 'list', 'element-id': elementId, element: typeOf(field.items, [...path, 'element']), 'element-required': false };
      }
      case 'map': {
        const keyId = idFor([...path, 'key'], 'string');
        const valueId = idFor([...path, 'value'], shapeOf(field.values));
        return {
          type: 'map',
          'key-id': keyId,
          key: 'string',
          'value-id': valueId,
          value: typeOf(field.values, [...path, 'value']),
          'value-required': false,
        };
      }
    }
  };
  const struct = (object: ObjectField, path: string[]): IcebergStruct => {
    const named = [...object.properties].map(([name, child]) => ({ name, child, id: idFor([...path, name], shapeOf(child)) }));
    return { type: 'struct', fields: named.map(({ name, child, id }) => ({ id, name, required: false, type: typeOf(child, [...path, name]) })) };
  };
  const result = struct(root, []);
  return { struct: result, lastColumnId: last };
}

/** The kind of Iceberg type a field becomes, without building it (ids of a field are taken before its children's). */
function shapeOf(field: XdmField): IcebergType {
  switch (field.kind) {
    case 'object':
      return field.properties.size === 0 ? 'string' : { type: 'struct', fields: [] };
    case 'array':
      return { type: 'list', 'element-id': 0, element: 'string', 'element-required': false };
    case 'map':
      return { type: 'map', 'key-id': 0, key: 'string', 'value-id': 0, value: 'string', 'value-required': false };
    case 'integer':
      return INTEGER[field.width];
    case 'number':
      return 'double';
    case 'date-time':
      return 'timestamptz';
    case 'boolean':
    case 'date':
    case 'string':
      return field.kind;
    case 'any':
      return 'string';
  }
}

/** Whether two structs describe the same table (ids, names, types): an unchanged XDM schema adds no Iceberg schema. */
export function sameStruct(a: IcebergStruct, b: IcebergStruct): boolean {
  return JSON.stringify(a.fields) === JSON.stringify(b.fields);
}

/**
 * The name mapping of a schema: Tributary's Parquet files carry column names, not Iceberg field ids, so readers
 * map names to ids through the table property `schema.name-mapping.default`. List elements are `element` and map
 * entries `key` and `value`, the names the Parquet writer gives them.
 */
export function nameMapping(struct: IcebergStruct): NameMapping[] {
  const inside = (type: IcebergType): NameMapping[] | undefined => {
    if (typeof type === 'string') return undefined;
    if (type.type === 'struct') return nameMapping(type);
    if (type.type === 'list') return [withFields({ 'field-id': type['element-id'], names: ['element'] }, inside(type.element))];
    return [{ 'field-id': type['key-id'], names: ['key'] }, withFields({ 'field-id': type['value-id'], names: ['value'] }, inside(type.value))];
  };
  return struct.fields.map((field) => withFields({ 'field-id': field.id, names: [field.name] }, inside(field.type)));
}

function withFields(mapping: NameMapping, fields: NameMapping[] | undefined): NameMapping {
  return fields ? { ...mapping, fields } : mapping;
}
