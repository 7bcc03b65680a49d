/**
 * `meta:xdmType`: the registry derives it from plain JSON Schema so clients need not send it.
 * Integer subtypes follow their bounds, as the registry reports them (an unbounded integer is a long).
 */

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

function integerType(node: Node): string {
  const min = typeof node.minimum === 'number' ? node.minimum : undefined;
  const max = typeof node.maximum === 'number' ? node.maximum : undefined;
  if (min === undefined || max === undefined) return 'long';
  if (min >= -128 && max <= 128) return 'byte';
  if (min >= -32768 && max <= 32768) return 'short';
  if (min >= -2147483648 && max <= 2147483648) return 'int';
  return 'long';
}

/** The XDM type a JSON Schema node stands for, or undefined when it has no `type`. */
export function xdmTypeOf(node: Node): string | undefined {
  switch (node.type) {
    case 'string':
      return node.format === 'date' ? 'date' : node.format === 'date-time' ? 'date-time' : 'string';
    case 'integer':
      return integerType(node);
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array':
      return 'array';
    case 'object':
      return !isNode(node.properties) && node.additionalProperties !== undefined && node.additionalProperties !== false ? 'map' : 'object';
    default:
      return undefined;
  }
}

/** Adds `meta:xdmType` where it is missing, on this node and every field below it (in place). */
export function annotateXdmTypes(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) annotateXdmTypes(item);
    return;
  }
  if (!isNode(node)) return;
  if (node['meta:xdmType'] === undefined) {
    const derived = xdmTypeOf(node);
    if (derived) node['meta:xdmType'] = derived;
  }
  for (const key of ['properties', 'definitions'] as const) {
    const children = node[key];
    if (isNode(children)) Object.values(children).forEach(annotateXdmTypes);
  }
  for (const key of ['items', 'additionalProperties', 'allOf', 'oneOf', 'anyOf'] as const) annotateXdmTypes(node[key]);
}
