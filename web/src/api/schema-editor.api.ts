import type { Api } from './client.js';
import type { XdmResource } from './schema-registry.api.js';

const SR = '/data/foundation/schemaregistry';

/** An identity descriptor as the registry stores it (the fields the editor reads). */
export interface Descriptor {
  '@id': string;
  '@type': string;
  'xdm:sourceSchema': string;
  'xdm:sourceVersion': number;
  'xdm:sourceProperty'?: string;
  'xdm:namespace'?: string | number;
  'xdm:isPrimary'?: boolean;
  [key: string]: unknown;
}

export interface IdentityNamespace {
  id: number;
  code: string;
  name: string;
  description?: string;
  idType?: string;
}

/** The Schema Registry calls AEP's tutorial makes to extend a schema: a field group, a JSON Patch, descriptors. */
export function schemaEditor(api: Api) {
  return {
    /** `GET /stats` names the caller's tenant: its fields live under `_{tenantId}`. */
    tenantId: async () => (await api.get<{ tenantId: string }>(`${SR}/stats`)).tenantId,
    createFieldGroup: (body: unknown) => api.post<XdmResource>(`${SR}/tenant/fieldgroups`, body),
    /** Adds a field group to a schema's `allOf`, as AEP's tutorial does. */
    addFieldGroup: (schemaId: string, fieldGroupId: string) =>
      api.patch<XdmResource>(`${SR}/tenant/schemas/${encodeURIComponent(schemaId)}`, [
        { op: 'add', path: '/allOf/-', value: { $ref: fieldGroupId } },
      ]),
    /** The schema's descriptors, every type (the v1 list answers them grouped by `@type`). */
    descriptorsOf: async (schemaId: string) => {
      const query = new URLSearchParams({ property: `xdm:sourceSchema==${schemaId}` });
      const grouped = await api.get<Record<string, Descriptor[]>>(`${SR}/tenant/descriptors?${query}`, { accept: 'application/vnd.adobe.xdm+json' });
      return Object.values(grouped).flat();
    },
    createDescriptor: (body: unknown) => api.post<Descriptor>(`${SR}/tenant/descriptors`, body),
    deleteDescriptor: (id: string) => api.delete(`${SR}/tenant/descriptors/${encodeURIComponent(id)}`),
    identityNamespaces: () => api.get<IdentityNamespace[]>('/data/core/idnamespace/identities'),
  };
}
