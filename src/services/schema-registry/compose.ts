/**
 * Turning a create request into a stored tenant resource: the composition rules of the registry
 * (one class per schema, field groups meant for that class, tenant fields under `_{tenantId}`,
 * ad-hoc classes) and the metadata the registry adds. Pure: lookups are passed in.
 */
import { createHash } from 'node:crypto';
import { invalid } from '../errors.js';
import type { Scope } from '../scope.js';
import { altIdOf, isContextGuard, newAdhocHex, newResourceHex, splitRef, tenantResourceId, type ResourceType } from './ids.js';
import type { Resource, ResourceLookup } from './resource.js';
import { extendsOf, refsOf, resolveFull, ResolutionError } from './resolve.js';
import { annotateXdmTypes } from './xdm-types.js';

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

export const BEHAVIORS = ['https://ns.adobe.com/xdm/data/record', 'https://ns.adobe.com/xdm/data/time-series', 'https://ns.adobe.com/xdm/data/adhoc'];
const ADHOC = 'https://ns.adobe.com/xdm/data/adhoc';

/** Keys only the registry sets; whatever a client sends for them is ignored. */
const SERVER_KEYS = [
  '$id',
  'meta:altId',
  'meta:resourceType',
  'version',
  'refs',
  'imsOrg',
  'meta:extends',
  'meta:containerId',
  'meta:tenantNamespace',
  'meta:registryMetadata',
  'meta:sandboxId',
  'meta:sandboxType',
  'meta:datasetNamespace',
  'meta:abstract',
  'meta:extensible',
];

/** Replaces the `{TENANT_ID}` placeholders of the documentation with the caller's tenant. */
export function withTenant(scope: Scope, id: string): string {
  return id.replace(/\{TENANT(?:_ID)?\}/g, scope.tenantId);
}

function fail(message: string): never {
  throw invalid(message, 'XDM-1000-400');
}

function allOfRefs(body: Node): string[] {
  const allOf = Array.isArray(body.allOf) ? (body.allOf as unknown[]) : [];
  return allOf.flatMap((p) => (isNode(p) && typeof p.$ref === 'string' && !isContextGuard(p.$ref) && splitRef(p.$ref).doc !== '' ? [p.$ref] : []));
}

/** The root `properties` maps a resource defines itself (inline allOf parts, its definitions, its own properties). */
function ownRootProperties(body: Node): Node[] {
  const maps: Node[] = [];
  if (isNode(body.properties)) maps.push(body.properties);
  if (isNode(body.definitions)) for (const d of Object.values(body.definitions)) if (isNode(d) && isNode(d.properties)) maps.push(d.properties);
  if (Array.isArray(body.allOf)) for (const p of body.allOf) if (isNode(p) && isNode(p.properties)) maps.push(p.properties);
  return maps;
}

function requireTenantNamespace(scope: Scope, body: Node, what: string): void {
  const allowed = `_${scope.tenantId}`;
  for (const map of ownRootProperties(body)) {
    for (const name of Object.keys(map)) {
      if (name !== allowed) fail(`${what} fields must be defined under '${allowed}'; '${name}' is not`);
      if (isNode(map[name])) refuseUnderscoreNames(map[name] as Node, allowed);
    }
  }
}

/** Below the tenant object, field names may not start with `_`: that prefix marks namespaces only. */
function refuseUnderscoreNames(node: Node, path: string): void {
  if (isNode(node.properties)) {
    for (const [name, child] of Object.entries(node.properties)) {
      if (name.startsWith('_')) fail(`Field '${path}.${name}' may not start with '_'; only namespace objects do`);
      if (isNode(child)) refuseUnderscoreNames(child, `${path}.${name}`);
    }
  }
  if (isNode(node.items)) refuseUnderscoreNames(node.items, `${path}[]`);
}

/** `meta:immutableTags` (only `union` exists) may be added but, once set, never taken away. */
function immutableTags(body: Node, existing?: Resource): string[] | undefined {
  const tags = body['meta:immutableTags'];
  const before = Array.isArray(existing?.['meta:immutableTags']) ? (existing['meta:immutableTags'] as string[]) : [];
  if (tags === undefined) {
    if (before.length > 0) fail(`'meta:immutableTags' ${JSON.stringify(before)} cannot be removed`);
    return undefined;
  }
  if (!Array.isArray(tags) || tags.some((t) => t !== 'union')) fail('\'meta:immutableTags\' must be a list holding only "union"');
  const lost = before.filter((t) => !(tags as string[]).includes(t));
  if (lost.length > 0) fail(`'meta:immutableTags' ${JSON.stringify(lost)} cannot be removed`);
  return [...new Set(tags as string[])];
}

/** `1.0` → `1.1`: every accepted change is a new minor version of the same major. */
export function nextVersion(version: string): string {
  const m = /^(\d+)\.(\d+)$/.exec(version);
  return m ? `${m[1]}.${Number(m[2]) + 1}` : '1.1';
}

/** Every `$ref` with the documentation's `{TENANT_ID}` placeholder made concrete (in place). */
function concreteRefs(scope: Scope, node: unknown): void {
  if (Array.isArray(node)) {
    for (const n of node) concreteRefs(scope, n);
    return;
  }
  if (!isNode(node)) return;
  if (typeof node.$ref === 'string') node.$ref = withTenant(scope, node.$ref);
  for (const n of Object.values(node)) concreteRefs(scope, n);
}

/** Checks the request body's basics and strips what the registry owns. */
function baseBody(scope: Scope, input: unknown, type: ResourceType): Node {
  if (!isNode(input)) fail('The request body must be a JSON object');
  if (typeof input.title !== 'string' || input.title.trim() === '') fail(`A title is required to create ${type}`);
  if (input.type !== undefined && input.type !== 'object') fail("The root 'type' must be 'object'");
  const body = structuredClone(input);
  for (const key of SERVER_KEYS) delete body[key];
  body.type = 'object';
  concreteRefs(scope, body);
  return body;
}

export interface ComposeContext {
  scope: Scope;
  lookup: ResourceLookup;
  now: Date;
  /** `production` or `development`, served as `meta:sandboxType`. */
  sandboxType: string;
}

/**
 * Builds the stored form of a tenant class, field group, data type or schema: a new one, or the
 * next version of `existing` (same id, same ad-hoc namespace, same creation metadata).
 */
export function composeResource(ctx: ComposeContext, type: ResourceType, input: unknown, existing?: Resource, importedHex?: string): Resource {
  const { scope, lookup } = ctx;
  const body = baseBody(scope, input, type);
  // An import keeps the id the resource had where it was exported from.
  let hex = existing ? existing.$id.slice(existing.$id.lastIndexOf('/') + 1) : (importedHex ?? newResourceHex());
  const extra: Node = {};

  // Every absolute reference must name something this caller can see.
  for (const ref of refsOf(body as Resource)) if (!lookup(ref)) fail(`Referenced resource '${ref}' does not exist`);

  if (type === 'classes') {
    const behaviors = allOfRefs(body).filter((r) => BEHAVIORS.includes(r));
    if (behaviors.length !== 1) fail('A class must extend exactly one behavior (record, time-series or adhoc)');
    if (behaviors[0] === ADHOC) {
      if (!existing && !importedHex) hex = newAdhocHex();
      const namespace = existing ? String(existing['meta:datasetNamespace']) : `_${hex}`;
      for (const map of ownRootProperties(body)) {
        for (const name of Object.keys(map)) {
          if (name === namespace) continue; // an update sends back what it read
          if (name !== '_adhoc') fail(`Ad-hoc class fields must be defined under '_adhoc'; '${name}' is not`);
          map[namespace] = map._adhoc;
          delete map._adhoc;
        }
      }
      extra['meta:datasetNamespace'] = namespace;
    } else {
      requireTenantNamespace(scope, body, 'Class');
    }
    extra['meta:abstract'] = true;
    extra['meta:extensible'] = true;
  } else if (type === 'mixins') {
    const intended = body['meta:intendedToExtend'];
    if (!Array.isArray(intended) || intended.some((c) => typeof c !== 'string'))
      fail("A field group needs 'meta:intendedToExtend', a list of class ids");
    body['meta:intendedToExtend'] = (intended as string[]).map((c) => withTenant(scope, c));
    for (const c of body['meta:intendedToExtend'] as string[]) {
      const target = lookup(c);
      if (!target || (target['meta:resourceType'] !== 'classes' && target['meta:resourceType'] !== 'behaviors'))
        fail(`'meta:intendedToExtend' names '${c}', which is not a class`);
    }
    requireTenantNamespace(scope, body, 'Field group');
    extra['meta:abstract'] = true;
    extra['meta:extensible'] = true;
  } else if (type === 'datatypes') {
    extra['meta:abstract'] = true;
    extra['meta:extensible'] = true;
  } else if (type === 'schemas') {
    Object.assign(extra, composeSchema(ctx, body));
    if (existing && existing['meta:class'] !== extra['meta:class']) fail(`The class of schema '${existing.$id}' cannot change`);
    const tags = immutableTags(body, existing);
    if (tags) body['meta:immutableTags'] = tags;
  } else {
    fail(`${type} cannot be created`);
  }

  const id = tenantResourceId(scope.tenantId, type, hex);
  const draft: Resource = {
    $id: id,
    'meta:altId': altIdOf(id),
    'meta:resourceType': type,
    version: existing ? nextVersion(existing.version) : '1.0',
    ...body,
    ...extra,
    'meta:containerId': 'tenant',
  } as Resource;
  draft.refs = refsOf(draft);
  draft['meta:extends'] = extendsOf(draft, lookup);
  refuseCycles(draft, lookup);
  annotateXdmTypes(draft);
  draft['meta:xdmType'] = 'object';
  // Resolving now refuses type clashes and dangling refs at write time rather than at ingestion.
  try {
    resolveFull(draft, (key) => (key === id ? draft : lookup(key)));
  } catch (error) {
    if (error instanceof ResolutionError) fail(error.message);
    throw error;
  }
  return withRegistryMetadata(ctx, draft, existing);
}

/**
 * A tenant resource may not reach itself through `$ref`s (a data type holding itself, two data
 * types holding each other): such a shape has no finite instance, so the write is refused.
 */
function refuseCycles(draft: Resource, lookup: ResourceLookup): void {
  const seen = new Set<string>();
  const walk = (id: string, path: string[]): void => {
    if (id === draft.$id) fail(`Reference cycle: ${[draft.$id, ...path].join(' → ')}`);
    if (seen.has(id)) return;
    seen.add(id);
    const target = lookup(id);
    if (target) for (const next of refsOf(target)) walk(next, [...path, next]);
  };
  for (const ref of refsOf(draft)) walk(ref, [ref]);
}

/** A schema composes one class and field groups intended for it, by reference only. */
function composeSchema(ctx: ComposeContext, body: Node): Node {
  const { scope, lookup } = ctx;
  const allOf = Array.isArray(body.allOf) ? (body.allOf as unknown[]) : [];
  if (allOf.length === 0) fail("A schema needs an 'allOf' naming its class");
  for (const part of allOf) {
    if (!isNode(part) || typeof part.$ref !== 'string') fail("A schema's 'allOf' may only hold '$ref' entries (its class and field groups)");
    if (splitRef(part.$ref).pointer !== '') fail(`'${part.$ref}' must name a whole class or field group`);
    // The registry answers each part with its shape.
    part.type = 'object';
    part['meta:xdmType'] = 'object';
  }
  if (isNode(body.properties) || isNode(body.definitions)) fail('A schema cannot define fields itself; put them in a field group');
  const refs = [...new Set(allOf.map((p) => (p as Node).$ref as string))];
  const resources = refs.map((r) => {
    const found = lookup(r);
    if (!found) fail(`Referenced resource '${r}' does not exist`);
    return found;
  });
  const classes = resources.filter((r) => r['meta:resourceType'] === 'classes');
  if (classes.length !== 1) fail(`A schema must reference exactly one class; found ${classes.length}`);
  const cls = classes[0]!;
  const declared = body['meta:class'];
  if (declared !== undefined && withTenant(scope, String(declared)) !== cls.$id)
    fail(`'meta:class' is '${String(declared)}' but the schema's class is '${cls.$id}'`);
  const classLineage = new Set([cls.$id, ...extendsOf(cls, lookup)]);
  for (const r of resources) {
    if (r === cls) continue;
    if (r['meta:resourceType'] !== 'mixins')
      fail(`'${r.$id}' is a ${r['meta:resourceType']} resource; a schema may only add field groups to its class`);
    const intended = r['meta:intendedToExtend'] ?? [];
    if (intended.length > 0 && !intended.some((c) => classLineage.has(c))) fail(`Field group '${r.$id}' is not intended for class '${cls.$id}'`);
  }
  const out: Node = { 'meta:class': cls.$id, 'meta:abstract': false, 'meta:extensible': false };
  if (cls['meta:datasetNamespace'] !== undefined) out['meta:datasetNamespace'] = cls['meta:datasetNamespace'];
  return out;
}

function withRegistryMetadata(ctx: ComposeContext, draft: Resource, existing?: Resource): Resource {
  const { scope, now } = ctx;
  const millis = now.getTime();
  const eTag = createHash('sha256').update(JSON.stringify(draft)).digest('hex');
  const created = (existing?.['meta:registryMetadata'] ?? {}) as Node;
  return {
    ...draft,
    imsOrg: scope.orgId,
    'meta:tenantNamespace': `_${scope.tenantId}`,
    'meta:sandboxId': scope.sandboxId,
    'meta:sandboxType': ctx.sandboxType,
    'meta:registryMetadata': {
      'repo:createdDate': created['repo:createdDate'] ?? millis,
      'repo:lastModifiedDate': millis,
      'xdm:createdClientId': created['xdm:createdClientId'] ?? scope.clientId,
      'xdm:lastModifiedClientId': scope.clientId,
      'xdm:createdUserId': created['xdm:createdUserId'] ?? scope.clientId,
      'xdm:lastModifiedUserId': scope.clientId,
      eTag,
      'meta:globalLibVersion': '1.0',
    },
  };
}

export const etagOf = (resource: Resource): string => String((resource['meta:registryMetadata'] as Node | undefined)?.eTag ?? '');
