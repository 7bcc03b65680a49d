/**
 * What the resolved JSON Schema demands of the value at one path, in the few forms the SQL plan
 * can check. Anything else makes the path "not expressible" and the file goes the JavaScript way.
 */
export interface Constraints {
  format?: string;
  pattern?: string;
  enum?: unknown[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
}

type Node = Record<string, unknown>;

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The JSON Schema keywords that decide validity. Everything else in a resolved XDM schema (titles,
 * `meta:*`, registry bookkeeping such as `refs` or `imsOrg`) is ignored, as the validator ignores it.
 */
const VALIDATION = new Set([
  'type',
  'enum',
  'const',
  'multipleOf',
  'maximum',
  'exclusiveMaximum',
  'minimum',
  'exclusiveMinimum',
  'maxLength',
  'minLength',
  'pattern',
  'format',
  'items',
  'additionalItems',
  'maxItems',
  'minItems',
  'uniqueItems',
  'contains',
  'maxProperties',
  'minProperties',
  'required',
  'properties',
  'patternProperties',
  'additionalProperties',
  'dependencies',
  'dependentRequired',
  'dependentSchemas',
  'propertyNames',
  'if',
  'then',
  'else',
  'allOf',
  'anyOf',
  'oneOf',
  'not',
  '$ref',
  'unevaluatedProperties',
  'unevaluatedItems',
]);
/** Keywords walked as structure (objects are checked through their members, the value's type by coercion). */
const STRUCTURE = new Set(['type', 'properties', 'allOf', 'additionalProperties', 'items']);
const LEAF = new Set(['format', 'pattern', 'enum', 'const', 'minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum']);

function children(node: Node, name: string): Node[] {
  const found: Node[] = [];
  if (isNode(node.properties) && isNode(node.properties[name])) found.push(node.properties[name] as Node);
  if (Array.isArray(node.allOf)) for (const member of node.allOf) if (isNode(member)) found.push(...children(member, name));
  return found;
}

/** The schema nodes for a path (a path defined twice, by a repeated field group, has several). */
export function nodesAt(schema: Node, path: readonly string[]): Node[] {
  let nodes = [schema];
  for (const segment of path) nodes = nodes.flatMap((n) => children(n, segment));
  return nodes;
}

function keywordsOf(node: Node): string[] {
  const keys = Object.keys(node).filter((k) => VALIDATION.has(k) && !STRUCTURE.has(k));
  if (Array.isArray(node.allOf)) for (const member of node.allOf) if (isNode(member)) keys.push(...keywordsOf(member));
  return keys;
}

/** A leaf's constraints, or null when it has a keyword the plan cannot check. */
export function leafConstraints(nodes: Node[]): Constraints | null {
  const result: Constraints = {};
  for (const node of nodes) {
    for (const key of keywordsOf(node)) {
      if (!LEAF.has(key)) return null;
      const value = node[key];
      if (key === 'const') {
        if (result.enum) return null;
        result.enum = [value];
        continue;
      }
      if (key in result && JSON.stringify((result as Record<string, unknown>)[key]) !== JSON.stringify(value)) return null;
      (result as Record<string, unknown>)[key] = value;
    }
  }
  return result;
}

/** An object's `required` list and whether it has other keywords the plan cannot check. */
export function objectRules(nodes: Node[]): { required: string[]; unsupported: boolean } {
  const required = new Set<string>();
  let unsupported = false;
  for (const node of nodes) {
    if (Array.isArray(node.required)) for (const r of node.required) required.add(String(r));
    for (const key of keywordsOf(node)) if (key !== 'required') unsupported = true;
  }
  return { required: [...required], unsupported };
}
