/**
 * The typed view of a resolved XDM schema the later stages need: what each path holds, so a
 * value can be coerced to it and a Parquet column typed for it. Built once per ingest from the
 * `xed-full` JSON Schema (one `properties` tree; `allOf` members are merged defensively).
 */
export type IntegerWidth = 'byte' | 'short' | 'int' | 'long';

export type XdmField =
  | { kind: 'string' }
  | { kind: 'integer'; width: IntegerWidth }
  | { kind: 'number' }
  | { kind: 'boolean' }
  | { kind: 'date' }
  | { kind: 'date-time' }
  /** `properties` may be empty: an open object whose shape the schema does not fix. */
  | { kind: 'object'; properties: Map<string, XdmField> }
  | { kind: 'map'; values: XdmField }
  | { kind: 'array'; items: XdmField }
  /** No usable type in the schema: kept as JSON. */
  | { kind: 'any' };

export type ObjectField = Extract<XdmField, { kind: 'object' }>;

type Node = Record<string, unknown>;

const WIDTHS: ReadonlySet<string> = new Set(['byte', 'short', 'int', 'long']);

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The JSON Schema type of a node, ignoring "null" in a type list. */
function typeOf(node: Node): string | undefined {
  const type = node.type;
  if (Array.isArray(type)) return type.find((t) => t !== 'null') as string | undefined;
  if (typeof type === 'string') return type;
  if (isNode(node.properties)) return 'object';
  return undefined;
}

/** Collects `properties` of a node and of its `allOf` members. */
function propertiesOf(node: Node): Array<[string, Node]> {
  const entries: Array<[string, Node]> = [];
  if (isNode(node.properties)) for (const [name, child] of Object.entries(node.properties)) if (isNode(child)) entries.push([name, child]);
  if (Array.isArray(node.allOf)) for (const member of node.allOf) if (isNode(member)) entries.push(...propertiesOf(member));
  return entries;
}

export function fieldOf(node: Node): XdmField {
  const xdmType = typeof node['meta:xdmType'] === 'string' ? (node['meta:xdmType'] as string) : undefined;
  const type = typeOf(node);
  if (xdmType === 'map' || (type === 'object' && isNode(node.additionalProperties) && !isNode(node.properties))) {
    return { kind: 'map', values: isNode(node.additionalProperties) ? fieldOf(node.additionalProperties) : { kind: 'any' } };
  }
  switch (type) {
    case 'object': {
      const properties = new Map<string, XdmField>();
      for (const [name, child] of propertiesOf(node)) {
        const existing = properties.get(name);
        const field = fieldOf(child);
        properties.set(name, existing ? mergeFields(existing, field) : field);
      }
      return { kind: 'object', properties };
    }
    case 'array':
      return { kind: 'array', items: isNode(node.items) ? fieldOf(node.items) : { kind: 'any' } };
    case 'string':
      if (node.format === 'date-time' || xdmType === 'date-time') return { kind: 'date-time' };
      if (node.format === 'date' || xdmType === 'date') return { kind: 'date' };
      return { kind: 'string' };
    case 'integer':
      return { kind: 'integer', width: xdmType && WIDTHS.has(xdmType) ? (xdmType as IntegerWidth) : 'long' };
    case 'number':
      // XDM sometimes types int/long fields as "number" with the width in meta:xdmType.
      return xdmType && WIDTHS.has(xdmType) ? { kind: 'integer', width: xdmType as IntegerWidth } : { kind: 'number' };
    case 'boolean':
      return { kind: 'boolean' };
    default:
      return { kind: 'any' };
  }
}

/** Two definitions of one object path (the same field group listed twice) become one. */
function mergeFields(a: XdmField, b: XdmField): XdmField {
  if (a.kind === 'object' && b.kind === 'object') {
    const properties = new Map(a.properties);
    for (const [name, field] of b.properties) {
      const existing = properties.get(name);
      properties.set(name, existing ? mergeFields(existing, field) : field);
    }
    return { kind: 'object', properties };
  }
  return a;
}

/** The root object of a resolved schema. */
export function rootField(schema: Record<string, unknown>): ObjectField {
  const root = fieldOf({ ...schema, type: 'object' });
  return root.kind === 'object' ? root : { kind: 'object', properties: new Map() };
}

/** The field at a dotted path through nested objects, or undefined when the schema has none there. */
export function fieldAt(root: XdmField, path: readonly string[]): XdmField | undefined {
  let current: XdmField | undefined = root;
  for (const segment of path) {
    if (current?.kind !== 'object') return undefined;
    current = current.properties.get(segment);
  }
  return current;
}
