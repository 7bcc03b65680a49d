/**
 * `GET /rpc/export/{id}` and `POST /rpc/import`: a tenant resource with the tenant resources it
 * depends on (dependencies first) and the descriptors of its schemas, with the tenant id replaced
 * by a placeholder so that the payload can be imported into another sandbox or org.
 */
import type { Scope } from '../scope.js';
import type { Resource } from './resource.js';
import type { Descriptor } from './descriptors.js';

export const TENANT_PLACEHOLDER = '<XDM_TENANTID_PLACEHOLDER>';

/** Keys that describe where a resource lives, not what it is: an import sets them anew. */
const LOCAL_KEYS = ['imsOrg', 'meta:registryMetadata', 'meta:tenantNamespace', 'refs', 'meta:usageCount'];
const LOCAL_DESCRIPTOR_KEYS = ['imsOrg', 'meta:registryMetadata', 'meta:containerId', 'meta:sandboxId', 'meta:sandboxType', 'version'];

/** Every string of a JSON value passed through `rewrite` (keys included). */
function rewriteStrings<T>(value: T, rewrite: (s: string) => string): T {
  if (typeof value === 'string') return rewrite(value) as T;
  if (Array.isArray(value)) return value.map((v) => rewriteStrings(v, rewrite)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [rewrite(k), rewriteStrings(v, rewrite)])) as T;
  }
  return value;
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Only the tenant's own id forms are touched: `ns.adobe.com/{tenant}/…` and `_{tenant}` as a name or altId prefix. */
function tenantRewriter(from: string, to: string): (s: string) => string {
  const inId = new RegExp(`(ns\\.adobe\\.com/)${escapeRegExp(from)}(?=/)`, 'g');
  const inName = new RegExp(`(^|[/.#])_${escapeRegExp(from)}(?=$|[/.])`, 'g');
  return (s) => s.replace(inId, `$1${to}`).replace(inName, `$1_${to}`);
}

/** Resources (dependencies first) and descriptors, in the placeholder form. */
export function exportPayload(scope: Scope, resources: Resource[], descriptors: Descriptor[]): Array<Record<string, unknown>> {
  const rewrite = tenantRewriter(scope.tenantId, TENANT_PLACEHOLDER);
  const strip = (r: Record<string, unknown>, keys: string[]) => Object.fromEntries(Object.entries(r).filter(([k]) => !keys.includes(k)));
  return [
    ...resources.map((r) => rewriteStrings(strip(r, LOCAL_KEYS), rewrite)),
    ...descriptors.map((d) => rewriteStrings(strip(d, LOCAL_DESCRIPTOR_KEYS), rewrite)),
  ];
}

/** The payload with the placeholder (or, for a payload of another tenant, nothing) replaced by the caller's tenant. */
export function importItems(scope: Scope, payload: unknown[]): Array<Record<string, unknown>> {
  const rewrite = tenantRewriter(TENANT_PLACEHOLDER, scope.tenantId);
  return payload.map((item) => rewriteStrings(item as Record<string, unknown>, rewrite));
}
