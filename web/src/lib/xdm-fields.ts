import type { JsonSchema } from '../api/flow-service.api.js';

/** A field of a resolved XDM schema: objects have children, the rest are leaves a mapping can target. */
export interface XdmField {
  name: string;
  path: string;
  type: string;
  format?: string;
  title?: string;
  children?: XdmField[];
}

function typeOf(schema: JsonSchema): string {
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  if (type === 'array') return `array<${schema.items ? typeOf(schema.items) : 'any'}>`;
  return String(schema['meta:xdmType'] ?? type ?? 'object');
}

/** The resolved (`xed-full`) `properties` tree as fields, sorted as the registry lists them. */
export function fieldsOf(properties: Record<string, JsonSchema> | undefined, prefix = ''): XdmField[] {
  return Object.entries(properties ?? {}).map(([name, schema]) => {
    const path = prefix ? `${prefix}.${name}` : name;
    const field: XdmField = { name, path, type: typeOf(schema) };
    if (schema.format) field.format = schema.format;
    if (schema.title) field.title = schema.title;
    if (schema.properties && (schema.type === 'object' || schema.type === undefined)) {
      field.type = 'object';
      field.children = fieldsOf(schema.properties, path);
    }
    return field;
  });
}

/** Every leaf, depth first: what a mapping can write to. */
export function leavesOf(fields: XdmField[]): XdmField[] {
  return fields.flatMap((f) => (f.children ? leavesOf(f.children) : [f]));
}

/** Letters and digits only, lower case: `first_name`, `firstName` and `First Name` compare equal. */
export function normalize(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

const COMPATIBLE: Record<string, string[]> = {
  string: ['string'],
  integer: ['integer', 'long', 'int', 'short', 'byte', 'number', 'string'],
  long: ['integer', 'long', 'int', 'number', 'string'],
  number: ['number', 'double', 'string'],
  double: ['number', 'double', 'string'],
  boolean: ['boolean', 'string'],
  date: ['date', 'string'],
  'date-time': ['date-time', 'string'],
};

/**
 * The XDM leaf a source column most likely belongs to: the same name at the end of the path wins,
 * then a path that ends with the column's words (email → …Email.address), each only where the
 * column's detected type can land in the field's type.
 */
export function suggestDestination(column: { name: string; type: string }, leaves: XdmField[], taken: Set<string>): XdmField | undefined {
  const key = normalize(column.name);
  if (!key) return undefined;
  const accepts = (leaf: XdmField) => {
    const fieldType = leaf.format === 'date-time' ? 'date-time' : leaf.format === 'date' ? 'date' : leaf.type;
    return (COMPATIBLE[column.type.toLowerCase()] ?? ['string']).includes(fieldType) || fieldType === 'string';
  };
  let best: { leaf: XdmField; score: number } | undefined;
  for (const leaf of leaves) {
    if (taken.has(leaf.path) || !accepts(leaf) || leaf.type.startsWith('array')) continue;
    const name = normalize(leaf.name);
    const path = normalize(leaf.path);
    let score = 0;
    // The same spelling beats a normalized match (`id` → `_adhoc.id` rather than `_id`).
    if (leaf.name === column.name) score = 110 - leaf.path.split('.').length;
    else if (name === key) score = 100 - leaf.path.split('.').length;
    else if (path.endsWith(key)) score = 60 - leaf.path.split('.').length;
    else if (path.includes(key) && key.length >= 4) score = 30 - leaf.path.split('.').length;
    // The personal variant is the usual home of a person's contact data.
    if (score > 0 && /^personal/.test(leaf.path)) score += 5;
    if (score > 0 && (!best || score > best.score)) best = { leaf, score };
  }
  return best?.leaf;
}
