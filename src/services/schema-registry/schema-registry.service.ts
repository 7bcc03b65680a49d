/**
 * The Schema Registry: the read-only `global` container (standard XDM) and one `tenant`
 * container per org and sandbox. Serves resources raw or resolved, creates tenant resources
 * under the composition rules, and hands the ingestion pipeline compiled target schemas.
 */
import type { Db } from '../../store/db.js';
import type { Scope } from '../scope.js';
import type { TargetSchema } from '../../pipeline/contracts.js';
import { conflict, forbidden, invalid, notFound } from '../errors.js';
import { globalLibrary } from './global-library.js';
import { resourceTypeOf, type Container, type PathKind, type ResourceType } from './ids.js';
import type { Resource, ResourceLookup } from './resource.js';
import { refsOf, resolveFull, ResolutionError, withoutText } from './resolve.js';
import { composeResource, etagOf, withTenant } from './compose.js';
import { applyPatch } from './json-patch.js';
import { listPage, summary, type ListPage, type ListQuery } from './listing.js';
import { TenantRepository } from './tenant-repository.js';
import { compileTarget } from './validator.js';
import { ValidatorCache } from './validator-cache.js';

/** How a single resource is served: `xed` (raw) or `xed-full` (resolved), with or without text. */
export interface ResourceView {
  full: boolean;
  text: boolean;
}

const NOT_FOUND_CODE = 'XDM-1012-404';
const WRITABLE: readonly ResourceType[] = ['classes', 'mixins', 'datatypes', 'schemas'];

export class SchemaRegistryService {
  private readonly tenant: TenantRepository;
  private readonly validators = new ValidatorCache();

  constructor(readonly db: Db) {
    this.tenant = new TenantRepository(db);
  }

  /** `GET /stats`: who the caller is in the registry and how much its tenant container holds. */
  async stats(scope: Scope): Promise<Record<string, unknown>> {
    const counts = await this.tenant.counts(scope);
    return {
      imsOrg: scope.orgId,
      tenantId: scope.tenantId,
      counts: { schemas: counts.schemas ?? 0, mixins: counts.mixins ?? 0, datatypes: counts.datatypes ?? 0, classes: counts.classes ?? 0, unions: 0 },
    };
  }

  /** One page of a container's resources of one kind; `ids` gives `xed-id` summaries. */
  async list(scope: Scope, container: Container, kind: PathKind, query: ListQuery, ids: boolean): Promise<{ results: Array<Record<string, unknown>>; _page: ListPage['_page'] }> {
    const type = resourceTypeOf(kind);
    const all = container === 'global'
      ? globalLibrary().resources.filter((r) => r['meta:resourceType'] === type)
      : await this.tenant.list(scope, type);
    const page = listPage(all, query);
    return { ...page, results: ids ? page.results.map(summary) : page.results };
  }

  /** One resource by `$id` or `meta:altId`, raw or resolved; 404 when it is not of this kind or not visible. */
  async get(scope: Scope, container: Container, kind: PathKind, idOrAltId: string, view: ResourceView): Promise<Record<string, unknown>> {
    const resource = await this.find(scope, container, resourceTypeOf(kind), idOrAltId);
    const served = view.full ? this.resolve(resource, await this.lookupFor(scope, container, [resource])) : resource;
    return view.text ? served : withoutText(served);
  }

  /** `POST /tenant/{kind}`: validates, composes and stores a new resource; returns it as stored. */
  async create(scope: Scope, kind: PathKind, body: unknown): Promise<Resource> {
    const type = resourceTypeOf(kind);
    if (!WRITABLE.includes(type)) throw forbidden(`${kind} cannot be created in the tenant container`, 'XDM-1010-403');
    const lookup = await this.lookupFor(scope, 'tenant', [body as Resource], true);
    const resource = composeResource({ scope, lookup, now: new Date() }, type, body);
    await this.tenant.insert(scope, resource, etagOf(resource));
    return resource;
  }

  /**
   * `PUT` (a whole new body) or `PATCH` (JSON Patch over the stored resource) of a tenant resource.
   * The id stays; the change is refused when a resource built on this one would stop resolving.
   */
  async update(scope: Scope, kind: PathKind, idOrAltId: string, change: { replace: unknown } | { patch: unknown }): Promise<Resource> {
    const type = resourceTypeOf(kind);
    const existing = await this.find(scope, 'tenant', type, idOrAltId);
    const body = 'replace' in change ? change.replace : applyPatch(existing, change.patch);
    const base = await this.lookupFor(scope, 'tenant', [body as Resource, existing], true);
    const updated = composeResource({ scope, lookup: base, now: new Date() }, type, body, existing);
    const isUpdated = (key: string) => key === existing.$id || key === existing['meta:altId'];
    for (const dependent of await this.dependentsOf(scope, existing.$id)) {
      const dependentLookup = await this.lookupFor(scope, 'tenant', [dependent]);
      try {
        resolveFull(dependent, (key) => (isUpdated(key) ? updated : dependentLookup(key)));
      } catch (error) {
        if (error instanceof ResolutionError) throw invalid(`The change would break '${dependent.$id}': ${error.message}`, 'XDM-1000-400');
        throw error;
      }
    }
    await this.tenant.update(scope, updated, etagOf(updated));
    return updated;
  }

  /** `DELETE /tenant/{kind}/{id}`; refused while another tenant resource references it. */
  async delete(scope: Scope, kind: PathKind, idOrAltId: string): Promise<void> {
    const resource = await this.find(scope, 'tenant', resourceTypeOf(kind), idOrAltId);
    const users = (await this.tenant.referencing(scope, resource.$id)).filter((id) => id !== resource.$id);
    if (users.length > 0) throw conflict(`'${resource.$id}' is referenced by ${users.join(', ')}`, 'XDM-1009-409');
    await this.tenant.delete(scope, resource.$id);
  }

  /** The schema resolved in `xed-full` form with its compiled validator; throws not_found. */
  async targetSchema(scope: Scope, schemaId: string): Promise<TargetSchema> {
    const id = withTenant(scope, schemaId);
    const revision = await this.tenant.revision(scope);
    const key = `${scope.orgId}\n${scope.sandboxId}\n${id}`;
    const cached = this.validators.get(key, revision);
    if (cached) return cached;
    const target = compileTarget(await this.resolvedSchema(scope, id));
    this.validators.set(key, revision, target);
    return target;
  }

  /** The `xed-full` form of a schema (tenant first, then global), for checks by other services; throws not_found. */
  async resolvedSchema(scope: Scope, schemaId: string): Promise<Record<string, unknown>> {
    const id = withTenant(scope, schemaId);
    const inTenant = await this.tenant.get(scope, id);
    const resource = inTenant ?? globalLibrary().get(id);
    if (resource?.['meta:resourceType'] !== 'schemas') throw notFound(`The schema '${schemaId}' was not found`, NOT_FOUND_CODE);
    return this.resolve(resource, await this.lookupFor(scope, inTenant ? 'tenant' : 'global', [resource]));
  }

  /** Whether a schema with this `$id` or `meta:altId` is visible to the caller. */
  async exists(scope: Scope, schemaId: string): Promise<boolean> {
    const id = withTenant(scope, schemaId);
    const found = (await this.tenant.get(scope, id)) ?? globalLibrary().get(id);
    return found?.['meta:resourceType'] === 'schemas';
  }

  /** Every tenant resource built on `id`, directly or through others. */
  private async dependentsOf(scope: Scope, id: string): Promise<Resource[]> {
    const found = new Map<string, Resource>();
    let frontier = [id];
    while (frontier.length > 0) {
      const next: string[] = [];
      for (const current of frontier) {
        for (const dependentId of await this.tenant.referencing(scope, current)) {
          if (dependentId === id || found.has(dependentId)) continue;
          const dependent = await this.tenant.get(scope, dependentId);
          if (dependent) {
            found.set(dependentId, dependent);
            next.push(dependentId);
          }
        }
      }
      frontier = next;
    }
    return [...found.values()];
  }

  private async find(scope: Scope, container: Container, type: ResourceType, idOrAltId: string): Promise<Resource> {
    const key = withTenant(scope, idOrAltId);
    const found = container === 'global' ? globalLibrary().get(key) : await this.tenant.get(scope, key);
    if (!found || found['meta:resourceType'] !== type) throw notFound(`The ${type} resource '${idOrAltId}' was not found in the ${container} container`, NOT_FOUND_CODE);
    return found;
  }

  private resolve(resource: Resource, lookup: ResourceLookup): Record<string, unknown> {
    try {
      return resolveFull(resource, lookup);
    } catch (error) {
      // Stored resources were resolvable when written; a failure now means a reference went away.
      if (error instanceof ResolutionError) throw invalid(error.message, 'XDM-1000-400');
      throw error;
    }
  }

  /**
   * A lookup over the global library plus the tenant resources the given roots reach, loaded
   * level by level (tenant ids are the only ones that can live in the database).
   */
  private async lookupFor(scope: Scope, container: Container, roots: Resource[], rawInput = false): Promise<ResourceLookup> {
    const library = globalLibrary();
    if (container === 'global') return (key) => library.get(key);
    const prefix = `https://ns.adobe.com/${scope.tenantId}/`;
    const loaded = new Map<string, Resource>();
    const wanted = (resources: Resource[]) => {
      const ids = resources.flatMap((r) => [
        ...refsOf(r),
        ...(Array.isArray(r['meta:intendedToExtend']) ? r['meta:intendedToExtend'] : []),
        ...(rawInput && typeof r['meta:class'] === 'string' ? [r['meta:class']] : []),
      ]);
      return [...new Set(ids.map((id) => withTenant(scope, String(id))))].filter((id) => id.startsWith(prefix) && !loaded.has(id));
    };
    let pending = wanted(roots.filter((r) => typeof r === 'object' && r !== null));
    while (pending.length > 0) {
      const found = await this.tenant.getMany(scope, pending);
      for (const r of found) loaded.set(r.$id, r);
      pending = wanted(found);
    }
    const byAltId = new Map([...loaded.values()].map((r) => [r['meta:altId'], r]));
    return (key) => loaded.get(key) ?? byAltId.get(key) ?? library.get(key);
  }
}
