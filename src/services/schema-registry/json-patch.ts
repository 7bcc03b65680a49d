/**
 * The JSON Patch (RFC 6902) subset the registry's PATCH takes: `add`, `remove`, `replace`
 * (`-` appends to an array). Clients append to `/allOf/-` and `/meta:extends/-` this way.
 */
import { invalid } from '../errors.js';

export interface PatchOperation {
  op: string;
  path: string;
  value?: unknown;
}

function segments(path: string): string[] {
  if (!path.startsWith('/')) throw invalid(`JSON Patch path '${path}' must start with '/'`, 'XDM-1000-400');
  return path
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Applies the operations to a copy of `document` and returns it; the original is not touched. */
export function applyPatch<T>(document: T, operations: unknown): T {
  if (!Array.isArray(operations)) throw invalid('A PATCH body must be a JSON Patch array', 'XDM-1000-400');
  const result = structuredClone(document) as unknown;
  for (const operation of operations as PatchOperation[]) {
    const op = String(operation?.op ?? '').toLowerCase();
    if (!['add', 'remove', 'replace'].includes(op)) throw invalid(`JSON Patch operation '${operation?.op}' is not supported`, 'XDM-1000-400');
    const path = segments(String(operation.path ?? ''));
    const last = path.pop();
    if (last === undefined) throw invalid('JSON Patch cannot replace the whole document', 'XDM-1000-400');
    let parent = result as Record<string, unknown> | unknown[];
    for (const key of path) {
      const next = (parent as Record<string, unknown>)[key];
      if (typeof next !== 'object' || next === null) throw invalid(`JSON Patch path '${operation.path}' does not exist`, 'XDM-1000-400');
      parent = next as Record<string, unknown>;
    }
    if (Array.isArray(parent)) {
      const index = last === '-' ? parent.length : Number(last);
      if (!Number.isInteger(index) || index < 0 || index > parent.length) throw invalid(`JSON Patch index '${last}' is out of range`, 'XDM-1000-400');
      if (op === 'add') parent.splice(index, 0, structuredClone(operation.value));
      else if (index >= parent.length) throw invalid(`JSON Patch path '${operation.path}' does not exist`, 'XDM-1000-400');
      else if (op === 'remove') parent.splice(index, 1);
      else parent[index] = structuredClone(operation.value);
    } else {
      if (op !== 'add' && !(last in parent)) throw invalid(`JSON Patch path '${operation.path}' does not exist`, 'XDM-1000-400');
      if (op === 'remove') delete parent[last];
      else parent[last] = structuredClone(operation.value);
    }
  }
  return result as T;
}
