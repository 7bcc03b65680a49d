/** Reading source fields and writing XDM paths on plain objects. */

/** Splits "a.b\.c" into ["a", "b.c"]: a backslash keeps a dot inside a field name. */
export function splitPath(path: string): string[] {
  const segments: string[] = [];
  let current = '';
  for (let i = 0; i < path.length; i++) {
    const ch = path[i]!;
    if (ch === '\\' && i + 1 < path.length) current += path[++i];
    else if (ch === '.') {
      segments.push(current);
      current = '';
    } else current += ch;
  }
  segments.push(current);
  return segments;
}

/**
 * The value a source reference names. A column whose own name holds dots (common in CSV
 * headers) wins over a nested walk, so "a.b" finds a column "a.b" before a["a"]["b"].
 */
export function readSource(record: Record<string, unknown>, name: string, segments: readonly string[]): unknown {
  if (name in record) return record[name];
  let current: unknown = record;
  for (const segment of segments) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** Sets a value at a path, creating the objects on the way. */
export function writePath(target: Record<string, unknown>, segments: readonly string[], value: unknown): void {
  let current = target;
  for (let i = 0; i < segments.length - 1; i++) {
    const segment = segments[i]!;
    let next = current[segment];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) {
      next = {};
      current[segment] = next;
    }
    current = next as Record<string, unknown>;
  }
  current[segments[segments.length - 1]!] = value;
}
