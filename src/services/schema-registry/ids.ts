/**
 * Resource kinds and identifiers. A resource is named by its `$id` URI or by its `meta:altId`,
 * the same URI in dot form (`https://ns.adobe.com/xdm/context/profile` ↔ `_xdm.context.profile`).
 */
import { randomBytes } from 'node:crypto';

/** The `meta:resourceType` values; field groups are still "mixins" in ids and resource types. */
export const RESOURCE_TYPES = ['classes', 'mixins', 'datatypes', 'behaviors', 'schemas'] as const;
export type ResourceType = (typeof RESOURCE_TYPES)[number];

/** Path segments of the API; `fieldgroups` is the current name of `mixins`. */
export type PathKind = ResourceType | 'fieldgroups';

export function resourceTypeOf(kind: PathKind): ResourceType {
  return kind === 'fieldgroups' ? 'mixins' : kind;
}

export function isPathKind(value: string): value is PathKind {
  return value === 'fieldgroups' || (RESOURCE_TYPES as readonly string[]).includes(value);
}

export type Container = 'global' | 'tenant';

/** `meta:altId` of a `$id`: scheme and `ns.adobe.com/` dropped, `/` turned into `.`, `_` in front. */
export function altIdOf(id: string): string {
  const rest = id.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/^ns\.adobe\.com\//, '');
  return `_${rest.split('/').filter(Boolean).join('.')}`;
}

/** Registry ids are hex strings; tenant ids carry 48 hex digits, like AEP's. */
export function newResourceHex(): string {
  return randomBytes(24).toString('hex');
}

/** The 32-hex namespace an ad-hoc class renames `_adhoc` to. */
export function newAdhocHex(): string {
  return randomBytes(16).toString('hex');
}

export function tenantResourceId(tenantId: string, type: ResourceType, hex: string): string {
  return `https://ns.adobe.com/${tenantId}/${type}/${hex}`;
}

/** Splits `https://host/doc#/pointer` into the document id and the pointer ("" when none). */
export function splitRef(ref: string): { doc: string; pointer: string } {
  const hash = ref.indexOf('#');
  return hash < 0 ? { doc: ref, pointer: '' } : { doc: ref.slice(0, hash), pointer: ref.slice(hash + 1) };
}

/** The JSON-LD guard of the source form; it means nothing in XED form and is skipped everywhere. */
export function isContextGuard(ref: string): boolean {
  return ref.startsWith('https://ns.adobe.com/xdm/common/extensible#');
}
