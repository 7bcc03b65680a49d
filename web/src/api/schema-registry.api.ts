import type { Api } from './client.js';
import type { JsonSchema } from './flow-service.api.js';

const SR = '/data/foundation/schemaregistry';

export interface XdmResource {
  $id: string;
  title: string;
  description?: string;
  'meta:altId'?: string;
  'meta:class'?: string;
  'meta:intendedToExtend'?: string[];
  version?: string;
}

export interface ResolvedSchema extends XdmResource {
  properties?: Record<string, JsonSchema>;
  allOf?: Array<{ $ref?: string }>;
  'meta:extends'?: string[];
}

type Container = 'global' | 'tenant';
type Kind = 'classes' | 'fieldgroups' | 'schemas' | 'datatypes';

export const PROFILE_CLASS = 'https://ns.adobe.com/xdm/context/profile';
export const ADHOC_CLASS = 'https://ns.adobe.com/xdm/data/adhoc';

export function schemaRegistry(api: Api) {
  const list = async (container: Container, kind: Kind, property?: string) => {
    const query = new URLSearchParams({ limit: '500' });
    if (property) query.set('property', property);
    const page = await api.get<{ results: XdmResource[] }>(`${SR}/${container}/${kind}?${query}`, { accept: 'application/vnd.adobe.xed-id+json' });
    return page.results;
  };
  return {
    list,
    /** Both containers, the org's own first. */
    listBoth: async (kind: Kind, property?: string) => [...(await list('tenant', kind, property)), ...(await list('global', kind, property))],
    fieldGroupsFor: async (classId: string) => {
      const property = `meta:intendedToExtend==${classId}`;
      return [...(await list('tenant', 'fieldgroups', property)), ...(await list('global', 'fieldgroups', property))];
    },
    resolved: (container: Container, kind: Kind, id: string) =>
      api.get<ResolvedSchema>(`${SR}/${container}/${kind}/${encodeURIComponent(id)}`, { accept: 'application/vnd.adobe.xed-full+json; version=1' }),
    createSchema: (body: unknown) => api.post<XdmResource>(`${SR}/tenant/schemas`, body),
    createClass: (body: unknown) => api.post<XdmResource>(`${SR}/tenant/classes`, body),
    /** Only the org's own resources can be deleted; the standard ones belong to everyone. */
    delete: (kind: Kind, id: string) => api.delete(`${SR}/tenant/${kind}/${encodeURIComponent(id)}`),
  };
}

/** Which container an id lives in: the org's resources carry its tenant in the id. */
export function containerOf(id: string): Container {
  return /^https:\/\/ns\.adobe\.com\/(xdm|experience)\//.test(id) ? 'global' : 'tenant';
}
