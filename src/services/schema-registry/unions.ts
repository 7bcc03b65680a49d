/**
 * Union schemas: for each class, the merge of every tenant schema of that class tagged
 * `meta:immutableTags: ["union"]` (the schemas enabled for Profile). A union is computed, never
 * stored: its `allOf` is the class and every field group those schemas use.
 */
import type { Scope } from '../scope.js';
import { altIdOf } from './ids.js';
import type { Resource } from './resource.js';

export const UNION_SUFFIX = '__union';

export const isUnionMember = (r: Resource): boolean =>
  r['meta:resourceType'] === 'schemas' && Array.isArray(r['meta:immutableTags']) && (r['meta:immutableTags'] as unknown[]).includes('union');

/** `https://ns.adobe.com/xdm/context/profile` → `https://ns.adobe.com/xdm/context/profile__union`. */
export const unionIdOf = (classId: string): string => `${classId}${UNION_SUFFIX}`;

/** The union of `cls` over its member schemas (at least one). */
export function buildUnion(scope: Scope, sandboxType: string, cls: Resource, members: Resource[]): Resource {
  const refs = [cls.$id];
  const extendsIds: string[] = [];
  for (const schema of members) {
    for (const part of schema.allOf ?? []) if (typeof part.$ref === 'string' && !refs.includes(part.$ref)) refs.push(part.$ref);
    extendsIds.push(schema.$id, ...(schema['meta:extends'] ?? []));
  }
  const id = unionIdOf(cls.$id);
  return {
    $id: id,
    'meta:altId': altIdOf(id),
    'meta:resourceType': 'unions' as Resource['meta:resourceType'],
    version: '1.0',
    title: cls.title ?? '',
    type: 'object',
    ...(cls.description !== undefined ? { description: cls.description } : {}),
    allOf: refs.map(($ref) => ({ $ref, type: 'object', 'meta:xdmType': 'object' })),
    imsOrg: scope.orgId,
    'meta:extends': [...new Set(extendsIds)],
    'meta:class': cls.$id,
    'meta:xdmType': 'object',
    'meta:containerId': 'tenant',
    'meta:sandboxId': scope.sandboxId,
    'meta:sandboxType': sandboxType,
    'meta:tenantNamespace': `_${scope.tenantId}`,
  };
}
