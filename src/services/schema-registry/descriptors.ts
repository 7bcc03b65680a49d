/**
 * Descriptors: metadata about a tenant schema's fields, kept beside the schema (`/tenant/descriptors`).
 * Identity (`xdm:descriptorIdentity`, naming an identity namespace, one primary per schema),
 * friendly names (`xdm:alternateDisplayInfo`), relationships to another schema and reference
 * identities. This module checks a request and builds the stored form; lookups are passed in.
 */
import { createHash, randomBytes } from 'node:crypto';
import { invalid } from '../errors.js';
import type { Scope } from '../scope.js';
import { withTenant } from './compose.js';

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

export const DESCRIPTOR_TYPES = [
  'xdm:descriptorIdentity',
  'xdm:alternateDisplayInfo',
  'xdm:descriptorReferenceIdentity',
  'xdm:descriptorOneToOne',
  'xdm:descriptorRelationship',
] as const;
export type DescriptorType = (typeof DESCRIPTOR_TYPES)[number];

const RELATIONSHIPS: readonly string[] = ['xdm:descriptorOneToOne', 'xdm:descriptorRelationship'];

export interface Descriptor {
  '@id': string;
  '@type': DescriptorType;
  'xdm:sourceSchema': string;
  'xdm:sourceVersion': number;
  'xdm:sourceProperty'?: string;
  [key: string]: unknown;
}

/** Keys the registry sets on a descriptor; a client's values for them are ignored. */
const SERVER_KEYS = ['@id', 'imsOrg', 'version', 'meta:containerId', 'meta:sandboxId', 'meta:sandboxType', 'meta:registryMetadata'];

export interface DescriptorContext {
  scope: Scope;
  sandboxType: string;
  now: Date;
  /** A tenant schema, resolved (`xed-full`), by `$id` or `meta:altId`. */
  schema(idOrAltId: string): Promise<Record<string, unknown> | undefined>;
  /** An identity namespace by code or integer id. */
  namespace(key: string, by: 'code' | 'id'): Promise<{ id: number; code: string } | undefined>;
  /** The descriptors already kept for a schema. */
  descriptorsOf(schemaId: string): Promise<Descriptor[]>;
}

const fail = (message: string): never => {
  throw invalid(message, 'XDM-1000-400');
};

/**
 * The field a descriptor's JSON Pointer names in a resolved schema. Pointers are over instance
 * paths (`/personalEmail/address`, `/_tenant/loyaltyId`); array items are stepped through.
 */
export function fieldAt(resolved: Node, pointer: string): Node | undefined {
  if (!pointer.startsWith('/')) return undefined;
  let node: Node | undefined = resolved;
  for (const raw of pointer.slice(1).split('/')) {
    const name = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    while (node && node.type === 'array' && isNode(node.items)) node = node.items as Node;
    const properties: unknown = node?.properties;
    node = isNode(properties) && isNode(properties[name]) ? (properties[name] as Node) : undefined;
    if (!node) return undefined;
  }
  return node;
}

function majorVersion(value: unknown, key: string): number {
  const n = typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()) ? Math.trunc(Number(value)) : value;
  if (n === undefined) return 1;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) fail(`'${key}' must be the schema's major version (1)`);
  if (n !== 1) fail(`'${key}' ${String(n)} does not exist; the schema has major version 1`);
  return n as number;
}

function requiredString(body: Node, key: string): string {
  const value = body[key];
  if (typeof value !== 'string' || value.trim() === '') fail(`'${key}' is required for ${String(body['@type'])}`);
  return (value as string).trim();
}

/** A fresh descriptor id: 48 hex digits, like the registry's other ids. */
const newDescriptorId = () => randomBytes(24).toString('hex');

/**
 * Checks a create (or, with `existing`, a replace) request and returns the descriptor to store.
 * Every rule is a 400: unknown schema or field, unknown namespace, a second primary identity.
 */
export async function composeDescriptor(ctx: DescriptorContext, input: unknown, existing?: Descriptor): Promise<Descriptor> {
  if (!isNode(input)) fail('The request body must be a JSON object');
  const body = structuredClone(input as Node);
  for (const key of SERVER_KEYS) delete body[key];
  const type = body['@type'];
  if (typeof type !== 'string' || !(DESCRIPTOR_TYPES as readonly string[]).includes(type)) {
    fail(`'@type' must be one of ${DESCRIPTOR_TYPES.join(', ')}`);
  }
  if (existing && existing['@type'] !== type) fail(`A descriptor's '@type' cannot change (it is '${existing['@type']}')`);

  const sourceSchemaId = withTenant(ctx.scope, requiredString(body, 'xdm:sourceSchema'));
  const source = await ctx.schema(sourceSchemaId);
  if (!source) fail(`'xdm:sourceSchema' '${sourceSchemaId}' is not a schema of the tenant container`);
  const schemaId = String(source!.$id);
  body['xdm:sourceSchema'] = schemaId;
  body['xdm:sourceVersion'] = majorVersion(body['xdm:sourceVersion'], 'xdm:sourceVersion');

  const pointer = body['xdm:sourceProperty'];
  let field: Node | undefined;
  if (pointer !== undefined || type !== 'xdm:alternateDisplayInfo') {
    const path = withTenant(ctx.scope, requiredString(body, 'xdm:sourceProperty'));
    body['xdm:sourceProperty'] = path;
    field = fieldAt(source!, path);
    if (!field) fail(`'xdm:sourceProperty' '${path}' is not a field of schema '${schemaId}'`);
  }

  const others = (await ctx.descriptorsOf(schemaId)).filter((d) => d['@id'] !== existing?.['@id']);
  if (type === 'xdm:descriptorIdentity') {
    const property = body['xdm:property'] ?? 'xdm:code';
    if (property !== 'xdm:code' && property !== 'xdm:id') fail("'xdm:property' must be 'xdm:code' or 'xdm:id'");
    body['xdm:property'] = property;
    const namespace = body['xdm:namespace'];
    if ((typeof namespace !== 'string' && typeof namespace !== 'number') || String(namespace).trim() === '')
      fail("'xdm:namespace' is required for xdm:descriptorIdentity");
    const found = await ctx.namespace(String(namespace), property === 'xdm:id' ? 'id' : 'code');
    if (!found) fail(`Identity namespace '${String(namespace)}' does not exist`);
    if (field!.type !== 'string') fail(`Identity field '${String(body['xdm:sourceProperty'])}' must be a string, not ${String(field!.type)}`);
    const primary = body['xdm:isPrimary'] === true || body['xdm:isPrimary'] === 'true';
    body['xdm:isPrimary'] = primary;
    const identities = others.filter((d) => d['@type'] === 'xdm:descriptorIdentity');
    if (identities.some((d) => d['xdm:sourceProperty'] === body['xdm:sourceProperty'])) {
      fail(`Field '${String(body['xdm:sourceProperty'])}' of schema '${schemaId}' already has an identity descriptor`);
    }
    const otherPrimary = identities.find((d) => d['xdm:isPrimary'] === true);
    if (primary && otherPrimary) {
      fail(`Schema '${schemaId}' already has a primary identity ('${String(otherPrimary['xdm:sourceProperty'])}'); a schema has at most one`);
    }
  } else if (type === 'xdm:descriptorReferenceIdentity') {
    const namespace = requiredString(body, 'xdm:identityNamespace');
    if (!(await ctx.namespace(namespace, 'code'))) fail(`Identity namespace '${namespace}' does not exist`);
  } else if (RELATIONSHIPS.includes(type as string)) {
    const destinationId = withTenant(ctx.scope, requiredString(body, 'xdm:destinationSchema'));
    const destination = await ctx.schema(destinationId);
    if (!destination) fail(`'xdm:destinationSchema' '${destinationId}' is not a schema of the tenant container`);
    body['xdm:destinationSchema'] = destination!.$id;
    body['xdm:destinationVersion'] = majorVersion(body['xdm:destinationVersion'], 'xdm:destinationVersion');
    if (body['xdm:destinationProperty'] !== undefined) {
      const path = withTenant(ctx.scope, requiredString(body, 'xdm:destinationProperty'));
      body['xdm:destinationProperty'] = path;
      if (!fieldAt(destination!, path)) fail(`'xdm:destinationProperty' '${path}' is not a field of schema '${String(destination!.$id)}'`);
    } else {
      // Without a destination field, the relationship points at the destination's primary identity.
      const destinationDescriptors = await ctx.descriptorsOf(String(destination!.$id));
      if (!destinationDescriptors.some((d) => d['@type'] === 'xdm:descriptorIdentity' && d['xdm:isPrimary'] === true)) {
        fail(`Destination schema '${String(destination!.$id)}' has no primary identity; name 'xdm:destinationProperty' or add one`);
      }
    }
  }

  const id = existing?.['@id'] ?? newDescriptorId();
  const millis = ctx.now.getTime();
  const created = (existing?.['meta:registryMetadata'] ?? {}) as Node;
  const descriptor = {
    '@id': id,
    ...body,
    imsOrg: ctx.scope.orgId,
    version: '1',
    'meta:containerId': 'tenant',
    'meta:sandboxId': ctx.scope.sandboxId,
    'meta:sandboxType': ctx.sandboxType,
  } as unknown as Descriptor;
  descriptor['meta:registryMetadata'] = {
    'repo:createdDate': created['repo:createdDate'] ?? millis,
    'repo:lastModifiedDate': millis,
    'xdm:createdClientId': created['xdm:createdClientId'] ?? ctx.scope.clientId,
    'xdm:lastModifiedClientId': ctx.scope.clientId,
    'xdm:createdUserId': created['xdm:createdUserId'] ?? ctx.scope.clientId,
    'xdm:lastModifiedUserId': ctx.scope.clientId,
    eTag: createHash('sha256').update(JSON.stringify(descriptor)).digest('hex'),
  };
  return descriptor;
}

/** Descriptors grouped by `@type`, the shape of the v1 list (`application/vnd.adobe.xdm+json`). */
export function groupByType<T>(descriptors: Descriptor[], view: (d: Descriptor) => T): Record<string, T[]> {
  const groups: Record<string, T[]> = {};
  for (const d of descriptors) (groups[d['@type']] ??= []).push(view(d));
  return groups;
}
