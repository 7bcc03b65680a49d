/**
 * A field group's fields as the editor holds them, and their JSON Schema in the shape the Schema
 * Registry expects (XDM types: integer widths by bounds and `meta:xdmType`, date/date-time as
 * string formats, maps as `additionalProperties`).
 */

export const FIELD_KINDS = ['string', 'integer', 'number', 'boolean', 'date', 'date-time', 'object', 'array', 'map'] as const;
export type FieldKind = (typeof FIELD_KINDS)[number];

export const KIND_LABELS: Record<FieldKind, string> = {
  string: 'String',
  integer: 'Integer',
  number: 'Number (double)',
  boolean: 'Boolean',
  date: 'Date',
  'date-time': 'Date-time',
  object: 'Object',
  array: 'Array',
  map: 'Map',
};

export const STRING_FORMATS = ['', 'email', 'uri', 'date', 'date-time'] as const;
export type StringFormat = (typeof STRING_FORMATS)[number];

export const INTEGER_WIDTHS = ['byte', 'short', 'int', 'long'] as const;
export type IntegerWidth = (typeof INTEGER_WIDTHS)[number];

/** The registry tells integer widths apart by their bounds (long: the range a JSON number holds exactly). */
const BOUNDS: Record<IntegerWidth, [number, number]> = {
  byte: [-128, 127],
  short: [-32768, 32767],
  int: [-2147483648, 2147483647],
  long: [-9007199254740991, 9007199254740991],
};

/** What an array holds or a map's values are: any kind but another array or map. */
export const ITEM_KINDS = ['string', 'integer', 'number', 'boolean', 'date', 'date-time', 'object'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];
export const MAP_VALUE_KINDS = ['string', 'integer', 'number', 'boolean'] as const;
export type MapValueKind = (typeof MAP_VALUE_KINDS)[number];

export interface FieldDraft {
  /** Stable across edits, for React and for label ids. */
  key: string;
  name: string;
  title: string;
  description: string;
  kind: FieldKind;
  required: boolean;
  /** Strings only. */
  format: StringFormat;
  /** Integers (and arrays of integers). */
  width: IntegerWidth;
  /** Arrays: what each item is. */
  itemKind: ItemKind;
  /** Maps: what each value is. */
  valueKind: MapValueKind;
  /** Objects, and arrays of objects: the nested fields. */
  children: FieldDraft[];
}

let counter = 0;
export function newField(overrides: Partial<FieldDraft> = {}): FieldDraft {
  counter += 1;
  return {
    key: `f${counter}`,
    name: '',
    title: '',
    description: '',
    kind: 'string',
    required: false,
    format: '',
    width: 'int',
    itemKind: 'string',
    valueKind: 'string',
    children: [],
    ...overrides,
  };
}

/** Whether a field of this shape has nested fields to edit. */
export function hasChildren(field: FieldDraft): boolean {
  return field.kind === 'object' || (field.kind === 'array' && field.itemKind === 'object');
}

/**
 * XDM field names: a letter first, then letters, digits and underscores (no dots, no spaces; a
 * leading `_` marks namespaces only, which the registry keeps for itself).
 */
const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/** Why a field's name cannot be used, or null when it can. */
export function nameProblem(name: string, siblings: FieldDraft[]): string | null {
  if (!name) return 'A name is required.';
  if (name.startsWith('_')) return 'Names may not start with “_”: that prefix marks namespaces.';
  if (!FIELD_NAME.test(name)) return 'Use letters, digits and “_” only, starting with a letter (e.g. loyaltyId).';
  if (siblings.filter((s) => s.name === name).length > 1) return 'Another field at this level has the same name.';
  return null;
}

/** Every problem in the list, by field key (what the form marks and what blocks submitting). */
export function problemsOf(fields: FieldDraft[], out = new Map<string, string>()): Map<string, string> {
  for (const field of fields) {
    const problem = nameProblem(field.name, fields);
    if (problem) out.set(field.key, problem);
    if (hasChildren(field)) {
      if (field.children.length === 0) out.set(`${field.key}:children`, 'Add at least one nested field.');
      problemsOf(field.children, out);
    }
  }
  return out;
}

type JsonSchema = Record<string, unknown>;

function scalarSchema(kind: Exclude<FieldKind, 'object' | 'array' | 'map'>, field: FieldDraft): JsonSchema {
  switch (kind) {
    case 'string':
      return field.format ? { type: 'string', format: field.format } : { type: 'string' };
    case 'integer': {
      const [minimum, maximum] = BOUNDS[field.width];
      return { type: 'integer', 'meta:xdmType': field.width, minimum, maximum };
    }
    case 'number':
      return { type: 'number' };
    case 'boolean':
      return { type: 'boolean' };
    case 'date':
      return { type: 'string', format: 'date' };
    case 'date-time':
      return { type: 'string', format: 'date-time' };
  }
}

/** An object's `properties` and `required` from its fields. */
export function objectSchema(fields: FieldDraft[]): JsonSchema {
  const required = fields.filter((f) => f.required).map((f) => f.name);
  return {
    type: 'object',
    properties: Object.fromEntries(fields.map((f) => [f.name, fieldSchema(f)])),
    ...(required.length > 0 ? { required } : {}),
  };
}

function shapeOf(field: FieldDraft): JsonSchema {
  switch (field.kind) {
    case 'object':
      return objectSchema(field.children);
    case 'array':
      return {
        type: 'array',
        items: field.itemKind === 'object' ? objectSchema(field.children) : scalarSchema(field.itemKind, { ...field, format: '' }),
      };
    case 'map':
      return { type: 'object', additionalProperties: scalarSchema(field.valueKind, { ...field, format: '' }) };
    default:
      return scalarSchema(field.kind, field);
  }
}

export function fieldSchema(field: FieldDraft): JsonSchema {
  return {
    ...(field.title ? { title: field.title } : {}),
    ...(field.description ? { description: field.description } : {}),
    ...shapeOf(field),
  };
}

/**
 * The create body of a tenant field group, as AEP's tutorial sends it: meant for one class, its
 * fields under the tenant namespace in `definitions`, pulled in by `allOf`.
 */
export function fieldGroupBody(input: { title: string; description: string; classId: string; tenantId: string; fields: FieldDraft[] }): JsonSchema {
  return {
    type: 'object',
    title: input.title,
    ...(input.description ? { description: input.description } : {}),
    'meta:intendedToExtend': [input.classId],
    definitions: {
      customFields: {
        properties: { [`_${input.tenantId}`]: { ...objectSchema(input.fields) } },
      },
    },
    allOf: [{ $ref: '#/definitions/customFields' }],
  };
}
