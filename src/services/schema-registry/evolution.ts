/**
 * What may change in a schema that a dataset already uses: fields may be added, nothing else.
 * A removed field, a field whose type or format changed, or a field newly required would leave
 * data already ingested invalid or unreadable.
 */
type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

interface Field {
  type: string;
  format?: string;
  required: boolean;
}

/** Every field of a resolved schema by dotted path (`[]` marks array items). */
function fieldsOf(node: Node, prefix = '', out = new Map<string, Field>()): Map<string, Field> {
  const required = new Set(Array.isArray(node.required) ? (node.required as string[]) : []);
  if (isNode(node.properties)) {
    for (const [name, child] of Object.entries(node.properties)) {
      if (!isNode(child)) continue;
      const path = prefix ? `${prefix}.${name}` : name;
      out.set(path, {
        type: String(child.type ?? ''),
        ...(typeof child.format === 'string' ? { format: child.format } : {}),
        required: required.has(name),
      });
      fieldsOf(child, path, out);
      if (isNode(child.items)) fieldsOf(child.items, `${path}[]`, out);
      if (isNode(child.additionalProperties)) fieldsOf(child.additionalProperties, `${path}{}`, out);
    }
  }
  return out;
}

/** The breaking differences between two resolved forms of one schema; empty when only fields were added. */
export function breakingChanges(before: Node, after: Node): string[] {
  const old = fieldsOf(before);
  const now = fieldsOf(after);
  const problems: string[] = [];
  for (const [path, field] of old) {
    const next = now.get(path);
    if (!next) problems.push(`field '${path}' would be removed`);
    else if (next.type !== field.type || next.format !== field.format) {
      problems.push(
        `field '${path}' would change from ${field.type}${field.format ? `/${field.format}` : ''} to ${next.type}${next.format ? `/${next.format}` : ''}`,
      );
    } else if (next.required && !field.required) problems.push(`field '${path}' would become required`);
  }
  for (const [path, field] of now) {
    // A required field inside a new optional object is fine; one added to an existing object is not.
    const parent = path.includes('.') ? path.slice(0, path.lastIndexOf('.')) : '';
    if (!old.has(path) && field.required && (parent === '' || old.has(parent))) problems.push(`new field '${path}' cannot be required`);
  }
  return problems;
}
