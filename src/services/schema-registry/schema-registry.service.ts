/**
 * The Schema Registry: the read-only `global` container (standard XDM) and one `tenant`
 * container per org and sandbox. Serves resources raw or resolved, creates tenant resources
 * under the composition rules, and hands the ingestion pipeline compiled target schemas.
 */
import type { Db } from '../../store/db.js';
import type { Scope } from '../scope.js';
import { ServiceError } from '../errors.js';
import type { TargetSchema } from '../../pipeline/contracts.js';
import { conflict, forbidden, invalid, notFound, preconditionFailed } from '../errors.js';
import { globalLibrary } from './global-library.js';
import { resourceTypeOf, type Container, type PathKind, type ResourceType } from './ids.js';
import type { Resource, ResourceLookup } from './resource.js';
import { refsOf, resolveFull, ResolutionError, withoutText } from './resolve.js';
import { composeResource, etagOf, withTenant } from './compose.js';
import { composeDescriptor, fieldAt, groupByType, type Descriptor, type DescriptorContext } from './descriptors.js';
import { DescriptorRepository } from './descriptor-repository.js';
import { breakingChanges } from './evolution.js';
import { buildUnion, isUnionMember } from './unions.js';
import { sampleRecord } from './sample-data.js';
import { exportPayload, importItems } from './export-import.js';
import { RESOURCE_TYPES } from './ids.js';
import { applyPatch } from './json-patch.js';
import { entriesOf, loggedId, type AuditEntry } from './audit-log.js';
import { listPage, summary, type ListPage, type ListQuery } from './listing.js';
import { TenantRepository } from './tenant-repository.js';
import { compileTarget } from './validator.js';
import { ValidatorCache } from './validator-cache.js';

/** How a single resource is served: `xed` (raw) or `xed-full` (resolved), with or without text, with or without descriptors. */
export interface ResourceView {
  full: boolean;
  text: boolean;
  /** `xed-full-desc`: the schema's descriptors under `meta:descriptors`. */
  descriptors?: boolean;
}

/** How descriptors are listed: objects, ids or API paths; grouped by `@type` (v1) or paged (v2). */
export interface DescriptorListView {
  form: 'objects' | 'ids' | 'links';
  paged: boolean;
}

export interface SchemaRegistryOptions {
  /** Identity namespaces, which identity descriptors must name; without it any namespace is accepted. */
  namespaces?: { find(scope: Scope, key: string, by: 'code' | 'id'): Promise<{ id: number; code: string } | undefined> };
  /** Whether a dataset uses the schema (by `$id` or `meta:altId`); such a schema only evolves additively. */
  schemaInUse?: (scope: Scope, schemaId: string) => Promise<boolean>;
}

/** A change request: a whole new body or a JSON Patch, and the `If-Match` the client sent, if any. */
export type ResourceChange = ({ replace: unknown } | { patch: unknown }) & { ifMatch?: string };

const NOT_FOUND_CODE = 'XDM-1012-404';
const WRITABLE: readonly ResourceType[] = ['classes', 'mixins', 'datatypes', 'schemas'];

const RECENT = 5;

export class SchemaRegistryService {
  private readonly tenant: TenantRepository;
  private readonly descriptors: DescriptorRepository;
  private readonly validators = new ValidatorCache();

  constructor(
    readonly db: Db,
    private readonly options: SchemaRegistryOptions = {},
  ) {
    this.tenant = new TenantRepository(db);
    this.descriptors = new DescriptorRepository(db);
  }

  /** `GET /stats`: who the caller is in the registry, how much its tenant container holds, what changed lately. */
  async stats(scope: Scope): Promise<Record<string, unknown>> {
    const counts = await this.tenant.counts(scope);
    const all = await this.tenant.all(scope);
    const unions = new Set(all.filter(isUnionMember).map((r) => r['meta:class']));
    const meta = (r: Resource, key: string) => Number((r['meta:registryMetadata'] as Record<string, unknown> | undefined)?.[key] ?? 0);
    const item = (r: Resource) => ({ $id: r.$id, 'meta:altId': r['meta:altId'], version: r.version, title: r.title ?? '' });
    const recent = (key: string) =>
      [...all]
        .sort((a, b) => meta(b, key) - meta(a, key))
        .slice(0, RECENT)
        .map(item);
    const byClass = new Map<string, Resource[]>();
    for (const schema of all.filter((r) => r['meta:resourceType'] === 'schemas')) {
      const cls = String(schema['meta:class']);
      byClass.set(cls, [...(byClass.get(cls) ?? []), schema]);
    }
    const lookup = await this.lookupFor(scope, 'tenant', []);
    return {
      imsOrg: scope.orgId,
      tenantId: scope.tenantId,
      counts: {
        schemas: counts.schemas ?? 0,
        mixins: counts.mixins ?? 0,
        datatypes: counts.datatypes ?? 0,
        classes: counts.classes ?? 0,
        unions: unions.size,
      },
      recentlyCreatedResources: recent('repo:createdDate'),
      recentlyUpdatedResources: recent('repo:lastModifiedDate'),
      classUsage: [...byClass.entries()].map(([cls, schemas]) => ({
        $id: cls,
        title: (lookup(cls) ?? all.find((r) => r.$id === cls))?.title ?? '',
        numberOfSchemas: schemas.length,
        schemas: schemas.map((s) => ({
          $id: s.$id,
          title: s.title ?? '',
          'meta:altId': s['meta:altId'],
          ...(s.description !== undefined ? { description: s.description } : {}),
        })),
      })),
    };
  }

  /** One page of a container's resources of one kind; `ids` gives `xed-id` summaries. */
  async list(
    scope: Scope,
    container: Container,
    kind: PathKind,
    query: ListQuery,
    ids: boolean,
  ): Promise<{ results: Array<Record<string, unknown>>; _page: ListPage['_page'] }> {
    const type = resourceTypeOf(kind);
    const all =
      container === 'global' ? globalLibrary().resources.filter((r) => r['meta:resourceType'] === type) : await this.tenant.list(scope, type);
    const page = listPage(all, query);
    return { ...page, results: ids ? page.results.map(summary) : page.results };
  }

  /** One resource by `$id` or `meta:altId`, raw or resolved; 404 when it is not of this kind or not visible. */
  async get(scope: Scope, container: Container, kind: PathKind, idOrAltId: string, view: ResourceView): Promise<Record<string, unknown>> {
    const resource = await this.find(scope, container, resourceTypeOf(kind), idOrAltId);
    const served = view.full ? this.resolve(resource, await this.lookupFor(scope, container, [resource])) : resource;
    if (view.descriptors) served['meta:descriptors'] = container === 'tenant' ? await this.descriptors.ofSchema(scope, resource.$id) : [];
    return view.text ? served : withoutText(served);
  }

  /** `POST /tenant/{kind}`: validates, composes and stores a new resource; returns it as stored. */
  async create(scope: Scope, kind: PathKind, body: unknown, importedHex?: string): Promise<Resource> {
    const type = resourceTypeOf(kind);
    if (!WRITABLE.includes(type)) throw forbidden(`${kind} cannot be created in the tenant container`, 'XDM-1010-403');
    const lookup = await this.lookupFor(scope, 'tenant', [body as Resource], true);
    const resource = composeResource(
      { scope, lookup, now: new Date(), sandboxType: await this.tenant.sandboxType(scope) },
      type,
      body,
      undefined,
      importedHex,
    );
    if (isUnionMember(resource)) await this.checkUnion(scope, resource);
    await this.tenant.insert(scope, resource, etagOf(resource));
    return resource;
  }

  /**
   * `PUT` (a whole new body) or `PATCH` (JSON Patch over the stored resource) of a tenant resource.
   * The id stays and the minor version goes up. Refused when `If-Match` names another version (412),
   * when a resource built on this one would stop resolving or lose a field a descriptor names (400),
   * and when a schema a dataset uses would change other than by added fields (409).
   */
  async update(scope: Scope, kind: PathKind, idOrAltId: string, change: ResourceChange): Promise<Resource> {
    const type = resourceTypeOf(kind);
    const existing = await this.find(scope, 'tenant', type, idOrAltId);
    if (change.ifMatch !== undefined && !matchesEtag(change.ifMatch, etagOf(existing))) {
      throw preconditionFailed(`If-Match '${change.ifMatch}' does not match the current eTag of '${existing.$id}'`, 'XDM-1013-412');
    }
    const body = 'replace' in change ? change.replace : applyPatch(existing, change.patch);
    const base = await this.lookupFor(scope, 'tenant', [body as Resource, existing], true);
    const updated = composeResource(
      { scope, lookup: base, now: new Date(), sandboxType: await this.tenant.sandboxType(scope) },
      type,
      body,
      existing,
    );
    const isUpdated = (key: string) => key === existing.$id || key === existing['meta:altId'];
    const affected = [existing, ...(await this.dependentsOf(scope, existing.$id))];
    for (const resource of affected) {
      const after = resource === existing ? updated : resource;
      // The new version may reference tenant resources the old one did not (a field group just added).
      const lookup = await this.lookupFor(scope, 'tenant', [resource, updated]);
      let resolved: Record<string, unknown>;
      try {
        resolved = resolveFull(after, (key) => (isUpdated(key) ? updated : lookup(key)));
      } catch (error) {
        if (error instanceof ResolutionError) throw invalid(`The change would break '${resource.$id}': ${error.message}`, 'XDM-1000-400');
        throw error;
      }
      if (resource['meta:resourceType'] !== 'schemas') continue;
      for (const d of await this.descriptors.ofSchema(scope, resource.$id)) {
        const pointer = d['xdm:sourceProperty'];
        if (pointer !== undefined && !fieldAt(resolved, pointer)) {
          throw invalid(
            `The change would remove '${pointer}' of '${resource.$id}', which descriptor '${d['@id']}' names; delete the descriptor first`,
            'XDM-1000-400',
          );
        }
      }
      if (await this.inUse(scope, resource)) {
        const problems = breakingChanges(resolveFull(resource, lookup), resolved);
        if (problems.length > 0) {
          throw conflict(`Schema '${resource.$id}' is used by a dataset and may only gain fields: ${problems.join('; ')}`, 'XDM-1009-409');
        }
      }
      if (isUnionMember(after)) await this.checkUnion(scope, after, (key) => (isUpdated(key) ? updated : lookup(key)));
    }
    await this.tenant.update(scope, updated, etagOf(updated));
    return updated;
  }

  /**
   * `DELETE /tenant/{kind}/{id}`; refused (409) while another tenant resource references it, a
   * dataset uses it or another schema's relationship points at it. A schema's own descriptors go with it.
   */
  async delete(scope: Scope, kind: PathKind, idOrAltId: string): Promise<void> {
    const resource = await this.find(scope, 'tenant', resourceTypeOf(kind), idOrAltId);
    const users = (await this.tenant.referencing(scope, resource.$id)).filter((id) => id !== resource.$id);
    if (users.length > 0) throw conflict(`'${resource.$id}' is referenced by ${users.join(', ')}`, 'XDM-1009-409');
    if (resource['meta:resourceType'] === 'schemas') {
      if (await this.inUse(scope, resource))
        throw conflict(`Schema '${resource.$id}' is used by a dataset; delete the dataset first`, 'XDM-1009-409');
      const pointing = await this.descriptors.pointingAt(scope, resource.$id);
      if (pointing.length > 0)
        throw conflict(`Schema '${resource.$id}' is the destination of descriptor(s) ${pointing.map((d) => d['@id']).join(', ')}`, 'XDM-1009-409');
      await this.descriptors.deleteOfSchema(scope, resource.$id);
    }
    await this.tenant.delete(scope, resource.$id);
  }

  // ── descriptors ────────────────────────────────────────────────────────────────────────────

  /** `GET /{container}/descriptors`: grouped by `@type`, or (v2) one page of `results`. */
  async listDescriptors(scope: Scope, container: Container, view: DescriptorListView, query: ListQuery): Promise<Record<string, unknown>> {
    const all = container === 'tenant' ? await this.descriptors.list(scope) : [];
    const shape = (d: Descriptor): unknown =>
      view.form === 'ids' ? d['@id'] : view.form === 'links' ? `/data/foundation/schemaregistry/${container}/descriptors/${d['@id']}` : d;
    const page = listPage(all, { ...query, orderby: query.orderby ?? '@id' }, '@id');
    if (view.paged) return { results: page.results.map(shape), _page: page._page };
    return groupByType(page.results, shape);
  }

  async getDescriptor(scope: Scope, container: Container, id: string): Promise<Descriptor> {
    const found = container === 'tenant' ? await this.descriptors.get(scope, id) : undefined;
    if (!found) throw notFound(`The descriptor '${id}' was not found in the ${container} container`, NOT_FOUND_CODE);
    return found;
  }

  async createDescriptor(scope: Scope, body: unknown): Promise<Descriptor> {
    const descriptor = await composeDescriptor(await this.descriptorContext(scope), body);
    await this.descriptors.insert(scope, descriptor);
    await this.tenant.touch(scope);
    return descriptor;
  }

  async replaceDescriptor(scope: Scope, id: string, body: unknown): Promise<Descriptor> {
    const existing = await this.getDescriptor(scope, 'tenant', id);
    const descriptor = await composeDescriptor(await this.descriptorContext(scope), body, existing);
    await this.descriptors.update(scope, descriptor);
    await this.tenant.touch(scope);
    return descriptor;
  }

  async deleteDescriptor(scope: Scope, id: string): Promise<void> {
    if (!(await this.descriptors.delete(scope, id))) throw notFound(`The descriptor '${id}' was not found in the tenant container`, NOT_FOUND_CODE);
    await this.tenant.touch(scope);
  }

  // ── unions ─────────────────────────────────────────────────────────────────────────────────

  /** `GET /tenant/unions`: one union per class that has at least one schema enabled for it. */
  async listUnions(scope: Scope, query: ListQuery, ids: boolean): Promise<{ results: Array<Record<string, unknown>>; _page: ListPage['_page'] }> {
    const page = listPage(await this.unions(scope), query);
    return { ...page, results: ids ? page.results.map(summary) : page.results };
  }

  /** `GET /tenant/unions/{id}` by `$id` (`<class>__union`) or `meta:altId`. */
  async getUnion(scope: Scope, idOrAltId: string, view: ResourceView): Promise<Record<string, unknown>> {
    const key = withTenant(scope, idOrAltId);
    const union = (await this.unions(scope)).find((u) => u.$id === key || u['meta:altId'] === key);
    if (!union) throw notFound(`The union '${idOrAltId}' was not found`, NOT_FOUND_CODE);
    const served = view.full ? this.resolve(union, await this.lookupFor(scope, 'tenant', [union])) : union;
    return view.text ? served : withoutText(served);
  }

  // ── rpc ────────────────────────────────────────────────────────────────────────────────────

  /** `GET /rpc/sampledata/{schemaId}`: a made-up record that the schema's validator accepts. */
  async sampleData(scope: Scope, schemaId: string): Promise<Record<string, unknown>> {
    return sampleRecord(await this.targetSchema(scope, schemaId));
  }

  /**
   * `GET /rpc/auditlog/{id}`: the changes made to a tenant resource (by `$id` or `meta:altId`, deleted ones too) and
   * to the tenant resources it uses, oldest first. A standard (global) resource never changes: its log is empty.
   */
  async auditLog(scope: Scope, idOrAltId: string): Promise<AuditEntry[]> {
    const key = withTenant(scope, idOrAltId);
    const current = await this.tenant.get(scope, key);
    const id = current?.$id ?? (await loggedId(this.db, scope, key));
    if (!id) {
      if (globalLibrary().get(key)) return [];
      throw notFound(`The resource '${idOrAltId}' was not found`, NOT_FOUND_CODE);
    }
    const used = current ? refsOf(current).filter((ref) => ref.startsWith(`https://ns.adobe.com/${scope.tenantId}/`)) : [];
    return entriesOf(this.db, scope, [id, ...used]);
  }

  /** `GET /rpc/export/{id}`: a tenant schema, field group, data type or class with its tenant dependencies and descriptors. */
  async exportResource(scope: Scope, idOrAltId: string): Promise<Array<Record<string, unknown>>> {
    const root = await this.tenant.get(scope, withTenant(scope, idOrAltId));
    if (!root) throw notFound(`The resource '${idOrAltId}' was not found in the tenant container`, NOT_FOUND_CODE);
    const ordered: Resource[] = [];
    const seen = new Set<string>();
    const visit = async (resource: Resource): Promise<void> => {
      if (seen.has(resource.$id)) return;
      seen.add(resource.$id);
      const deps = [...refsOf(resource), ...(resource['meta:intendedToExtend'] ?? []), ...(resource['meta:class'] ? [resource['meta:class']] : [])];
      for (const dep of new Set(deps)) {
        const found = dep.startsWith(`https://ns.adobe.com/${scope.tenantId}/`) ? await this.tenant.get(scope, dep) : undefined;
        if (found) await visit(found);
      }
      ordered.push(resource);
      if (resource['meta:resourceType'] !== 'schemas') return;
      // A relationship makes its destination schema a dependency too.
      for (const d of await this.descriptors.ofSchema(scope, resource.$id)) {
        const destination = typeof d['xdm:destinationSchema'] === 'string' ? await this.tenant.get(scope, d['xdm:destinationSchema']) : undefined;
        if (destination) await visit(destination);
      }
    };
    await visit(root);
    const descriptors: Descriptor[] = [];
    for (const r of ordered) if (r['meta:resourceType'] === 'schemas') descriptors.push(...(await this.descriptors.ofSchema(scope, r.$id)));
    // Identities first: a relationship needs its destination's primary identity to exist.
    const rank = (d: Descriptor) => (d['@type'] === 'xdm:descriptorIdentity' ? 0 : 1);
    return exportPayload(
      scope,
      ordered,
      descriptors.sort((a, b) => rank(a) - rank(b)),
    );
  }

  /**
   * `POST /rpc/import`: the items of an export payload, created in order in the caller's sandbox
   * with their ids kept. Refused as a whole (400 XDM-3005) when an id or a title is taken; any
   * item refused by the composition rules undoes the items created before it.
   */
  async importResources(scope: Scope, payload: unknown): Promise<Array<Record<string, unknown>>> {
    if (!Array.isArray(payload) || payload.length === 0)
      throw invalid('The import payload must be a non-empty array, as returned by /rpc/export', 'XDM-3005-400');
    const items = importItems(scope, payload);
    const existing = await this.tenant.all(scope);
    const resources = items.filter((i) => typeof i.$id === 'string');
    const descriptors = items.filter((i) => typeof i['@type'] === 'string');
    for (const item of resources) {
      const type = item['meta:resourceType'];
      if (!(RESOURCE_TYPES as readonly unknown[]).includes(type) || !WRITABLE.includes(type as ResourceType)) {
        throw invalid(`Failed to import resources. Error: '${String(item.$id)}' has no importable meta:resourceType`, 'XDM-3005-400');
      }
      const sameId = existing.find((r) => r.$id === item.$id);
      if (sameId) throw invalid(`Failed to import resources. Error: An object ${sameId.$id} already exists with the same $id`, 'XDM-3005-400');
      const sameTitle = existing.find((r) => r['meta:resourceType'] === type && r.title === item.title);
      if (sameTitle)
        throw invalid(
          `Failed to import resources. Error: Title must be unique. An object ${sameTitle.$id} already exists with the same title`,
          'XDM-3005-400',
        );
    }
    const created: Resource[] = [];
    const createdDescriptors: Descriptor[] = [];
    try {
      for (const item of resources) {
        const id = String(item.$id);
        const hex = id.slice(id.lastIndexOf('/') + 1);
        if (!/^[0-9a-f]{16,64}$/.test(hex) || id !== `https://ns.adobe.com/${scope.tenantId}/${String(item['meta:resourceType'])}/${hex}`) {
          throw invalid(`Failed to import resources. Error: '${id}' is not a tenant resource id`, 'XDM-3005-400');
        }
        created.push(await this.create(scope, item['meta:resourceType'] as ResourceType, item, hex));
      }
      for (const item of descriptors) {
        const { '@id': _id, ...body } = item;
        createdDescriptors.push(await this.createDescriptor(scope, body));
      }
    } catch (error) {
      for (const d of createdDescriptors) await this.descriptors.delete(scope, d['@id']);
      for (const r of created.reverse()) await this.tenant.delete(scope, r.$id);
      if (error instanceof ServiceError && error.kind === 'invalid')
        throw invalid(`Failed to import resources. Error: ${error.message}`, 'XDM-3005-400');
      throw error;
    }
    return [...created, ...createdDescriptors];
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

  /** Whether a dataset uses this schema, by `$id` or by `meta:altId`. */
  private async inUse(scope: Scope, schema: Resource): Promise<boolean> {
    const check = this.options.schemaInUse;
    if (!check) return false;
    return (await check(scope, schema.$id)) || (await check(scope, schema['meta:altId']));
  }

  /** Every union of the sandbox, built from the schemas enabled for one. */
  private async unions(scope: Scope): Promise<Resource[]> {
    const members = (await this.tenant.list(scope, 'schemas')).filter(isUnionMember);
    const byClass = new Map<string, Resource[]>();
    for (const m of members) byClass.set(String(m['meta:class']), [...(byClass.get(String(m['meta:class'])) ?? []), m]);
    const lookup = await this.lookupFor(scope, 'tenant', members);
    const sandboxType = await this.tenant.sandboxType(scope);
    return [...byClass.entries()].flatMap(([cls, schemas]) => {
      const resource = lookup(cls);
      return resource ? [buildUnion(scope, sandboxType, resource, schemas)] : [];
    });
  }

  /** A schema joining its class's union must not clash with the schemas already in it (400). */
  private async checkUnion(scope: Scope, schema: Resource, override?: ResourceLookup): Promise<void> {
    const members = (await this.tenant.list(scope, 'schemas')).filter(
      (r) => isUnionMember(r) && r['meta:class'] === schema['meta:class'] && r.$id !== schema.$id,
    );
    const base = await this.lookupFor(scope, 'tenant', [...members, schema]);
    const lookup = override ? (key: string) => override(key) ?? base(key) : base;
    const cls = lookup(String(schema['meta:class']));
    if (!cls) return;
    const union = buildUnion(scope, '', cls, [...members, schema]);
    try {
      resolveFull(union, lookup);
    } catch (error) {
      if (error instanceof ResolutionError)
        throw invalid(`Schema '${schema.$id}' cannot join the union of '${cls.$id}': ${error.message}`, 'XDM-1000-400');
      throw error;
    }
  }

  private async descriptorContext(scope: Scope): Promise<DescriptorContext> {
    const namespaces = this.options.namespaces;
    return {
      scope,
      sandboxType: await this.tenant.sandboxType(scope),
      now: new Date(),
      schema: async (id) => {
        const resource = await this.tenant.get(scope, id);
        if (resource?.['meta:resourceType'] !== 'schemas') return undefined;
        return this.resolve(resource, await this.lookupFor(scope, 'tenant', [resource]));
      },
      namespace: async (key, by) => (namespaces ? namespaces.find(scope, key, by) : { id: 0, code: key }),
      descriptorsOf: (schemaId) => this.descriptors.ofSchema(scope, schemaId),
    };
  }

  private async find(scope: Scope, container: Container, type: ResourceType, idOrAltId: string): Promise<Resource> {
    const key = withTenant(scope, idOrAltId);
    const found = container === 'global' ? globalLibrary().get(key) : await this.tenant.get(scope, key);
    if (!found || found['meta:resourceType'] !== type)
      throw notFound(`The ${type} resource '${idOrAltId}' was not found in the ${container} container`, NOT_FOUND_CODE);
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

/** `If-Match` may quote the eTag or list several; `*` matches any. */
function matchesEtag(header: string, etag: string): boolean {
  return header
    .split(',')
    .map((t) => t.trim().replace(/^W\//, '').replace(/^"|"$/g, ''))
    .some((t) => t === '*' || t === etag);
}
