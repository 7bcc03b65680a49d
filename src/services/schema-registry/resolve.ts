/**
 * XED resolution ("xed-full"): a resource's `allOf`, `$ref`s and `definitions` folded into one
 * root `properties` tree, the way the registry serves `application/vnd.adobe.xed-full+json`.
 *
 * Merge rules: properties are deep-unioned, `required` is unioned, a different `type` or `format`
 * at one path is an error, `meta:extends` is unioned and `meta:enum` maps merged; otherwise the
 * first value met wins, and a node's own keywords are met before what it references (so a field's
 * title beats its data type's). `oneOf`, `anyOf`, `patternProperties` and `definitions` go away.
 */
import { annotateXdmTypes } from './xdm-types.js';
import { isContextGuard, splitRef } from './ids.js';
import type { Resource, ResourceLookup } from './resource.js';

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Why a resource cannot be resolved; the service turns it into a 400. */
export class ResolutionError extends Error {
  constructor(
    readonly reason: 'unknown_ref' | 'clash',
    message: string,
  ) {
    super(message);
  }
}

/** Keywords the resolver handles itself; everything else on a node is copied as is. */
const STRUCTURAL = new Set([
  '$ref',
  'allOf',
  'oneOf',
  'anyOf',
  'definitions',
  'patternProperties',
  'properties',
  'items',
  'additionalProperties',
  'required',
]);
/** Root keys of a resource that describe the resource, not its data. */
const ROOT_ONLY = new Set(['allOf', 'definitions', 'properties', 'required', 'patternProperties', 'oneOf', 'anyOf', '$ref']);

function mergeInto(target: Node, source: Node, path: string): void {
  for (const [key, value] of Object.entries(source)) {
    const existing = target[key];
    if (existing === undefined) {
      target[key] = structuredClone(value);
    } else if (key === 'properties' && isNode(existing) && isNode(value)) {
      for (const [name, child] of Object.entries(value)) {
        const here = path ? `${path}.${name}` : name;
        if (isNode(existing[name]) && isNode(child)) mergeInto(existing[name] as Node, child, here);
        else if (existing[name] === undefined) existing[name] = structuredClone(child);
      }
    } else if ((key === 'required' || key === 'meta:extends') && Array.isArray(existing) && Array.isArray(value)) {
      target[key] = [...new Set([...existing, ...value])];
    } else if (key === 'meta:enum' && isNode(existing) && isNode(value)) {
      target[key] = { ...value, ...existing };
    } else if ((key === 'type' || key === 'format') && existing !== value) {
      throw new ResolutionError('clash', `Field '${path || '/'}' is defined with ${key} '${String(existing)}' and with ${key} '${String(value)}'`);
    } else if (key === 'items' && isNode(existing) && isNode(value)) {
      mergeInto(existing, value, `${path}[]`);
    }
  }
}

/** Reads a JSON pointer (`/definitions/x/properties/y`) inside a document. */
function atPointer(doc: Node, pointer: string): unknown {
  let node: unknown = doc;
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = isNode(node) ? node[segment] : undefined;
  }
  return node;
}

class Resolver {
  private readonly inProgress = new Set<string>();
  private readonly resolvedDocs = new Map<string, Node>();

  constructor(private readonly lookup: ResourceLookup) {}

  /** The data shape of a whole resource: `{type: object, properties, required}`. */
  doc(resource: Resource): Node {
    const cached = this.resolvedDocs.get(resource.$id);
    if (cached) return cached;
    // A data type that contains itself (directly or not) stops at an empty object.
    if (this.inProgress.has(resource.$id)) return { type: 'object', 'meta:xdmType': 'object' };
    this.inProgress.add(resource.$id);
    try {
      const shape: Node = { type: 'object' };
      for (const key of ['title', 'description', 'properties', 'allOf', 'required'] as const) {
        if (resource[key] !== undefined) shape[key] = resource[key];
      }
      const resolved = this.node(shape, resource, '', false);
      this.resolvedDocs.set(resource.$id, resolved);
      return resolved;
    } finally {
      this.inProgress.delete(resource.$id);
    }
  }

  node(node: Node, doc: Resource, path: string, asField: boolean): Node {
    const out: Node = {};
    for (const [key, value] of Object.entries(node)) if (!STRUCTURAL.has(key)) out[key] = structuredClone(value);
    if (Array.isArray(node.required)) out.required = [...node.required];
    if (isNode(node.properties)) {
      const properties: Node = {};
      for (const [name, child] of Object.entries(node.properties)) {
        if (isNode(child)) properties[name] = this.node(child, doc, path ? `${path}.${name}` : name, true);
      }
      out.properties = properties;
    }
    if (isNode(node.items)) out.items = this.node(node.items, doc, `${path}[]`, true);
    if (isNode(node.additionalProperties)) out.additionalProperties = this.node(node.additionalProperties, doc, `${path}{}`, true);
    else if (node.additionalProperties !== undefined) out.additionalProperties = node.additionalProperties;
    if (typeof node.$ref === 'string') {
      const target = this.ref(node.$ref, doc, path, asField);
      if (target) mergeInto(out, target, path);
    }
    if (Array.isArray(node.allOf)) {
      for (const part of node.allOf) if (isNode(part)) mergeInto(out, this.node(part, doc, path, false), path);
    }
    // A field offering a choice of shapes has no single column type; the registry serves it as a string.
    if (asField && out.type === undefined && out.properties === undefined && (Array.isArray(node.oneOf) || Array.isArray(node.anyOf))) {
      out.type = 'string';
    }
    return out;
  }

  private ref(ref: string, doc: Resource, path: string, asField: boolean): Node | undefined {
    if (isContextGuard(ref)) return undefined;
    const { doc: docId, pointer } = splitRef(ref);
    const target = docId === '' ? doc : this.lookup(docId);
    if (!target) throw new ResolutionError('unknown_ref', `Referenced resource '${docId}' does not exist`);
    if (pointer === '' || pointer === '/') {
      const shape = this.doc(target);
      return asField ? { ...shape, 'meta:referencedFrom': target.$id } : shape;
    }
    const fragment = atPointer(target as Node, pointer);
    if (!isNode(fragment)) throw new ResolutionError('unknown_ref', `Reference '${ref}' points at nothing`);
    return this.node(fragment, target, path, asField);
  }
}

/** The `xed-full` form of a resource: root metadata plus one merged `properties` tree. */
export function resolveFull(resource: Resource, lookup: ResourceLookup): Node {
  const body = new Resolver(lookup).doc(resource);
  const root: Node = {};
  for (const [key, value] of Object.entries(resource)) if (!ROOT_ONLY.has(key)) root[key] = structuredClone(value);
  root.type = 'object';
  root.properties = body.properties ?? {};
  if (Array.isArray(body.required) && body.required.length > 0) root.required = body.required;
  root['meta:xdmType'] = 'object';
  annotateXdmTypes(root);
  return root;
}

/** Whole-resource `$ref`s of a document, once each, in order of appearance (local and guard refs left out). */
export function refsOf(resource: Resource): string[] {
  const found = new Set<string>();
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item);
      return;
    }
    if (!isNode(value)) return;
    if (typeof value.$ref === 'string' && !isContextGuard(value.$ref)) {
      const { doc } = splitRef(value.$ref);
      if (doc !== '') found.add(doc);
    }
    Object.values(value).forEach(walk);
  };
  walk(resource.allOf);
  walk(resource.properties);
  walk(resource.definitions);
  return [...found];
}

/**
 * The transitive `meta:extends` of a resource: for each resource its `allOf` names, what that one
 * extends and then itself; classes come last, as the registry lists them.
 */
export function extendsOf(resource: Resource, lookup: ResourceLookup, seen = new Set<string>()): string[] {
  const out: string[] = [];
  const parts = (resource.allOf ?? [])
    .map((part) => (typeof part.$ref === 'string' && !isContextGuard(part.$ref) ? splitRef(part.$ref) : undefined))
    .filter((r): r is { doc: string; pointer: string } => r !== undefined && r.doc !== '' && r.pointer === '')
    .map((r) => r.doc);
  const declared = resource['meta:extends'] ?? [];
  const ids = [...new Set([...parts, ...declared])];
  const isClass = (id: string) => lookup(id)?.['meta:resourceType'] === 'classes';
  for (const id of [...ids.filter((i) => !isClass(i)), ...ids.filter(isClass)]) {
    if (seen.has(id)) continue;
    seen.add(id);
    const target = lookup(id);
    if (target) out.push(...extendsOf(target, lookup, seen));
    out.push(id);
  }
  return [...new Set(out)];
}

/** Removes `title` and `description` from every field (the `-notext` variants); the root keeps its own. */
export function withoutText(node: Node, isRoot = true): Node {
  const out: Node = {};
  for (const [key, value] of Object.entries(node)) {
    if (!isRoot && (key === 'title' || key === 'description') && typeof value === 'string') continue;
    if ((key === 'properties' || key === 'definitions') && isNode(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isNode(v) ? withoutText(v, false) : v]));
    } else if ((key === 'items' || key === 'additionalProperties') && isNode(value)) {
      out[key] = withoutText(value, false);
    } else if ((key === 'allOf' || key === 'oneOf' || key === 'anyOf') && Array.isArray(value)) {
      out[key] = value.map((v) => (isNode(v) ? withoutText(v, false) : v));
    } else {
      out[key] = value;
    }
  }
  return out;
}
