/**
 * Schema Registry's shapes (Adobe's schema-registry spec). Resources are XDM documents — JSON Schemas with `meta:`
 * fields — answered whole, in the form the Accept header asks for, so they are open objects with their ids typed.
 */
import { type Static, Type } from '@sinclair/typebox';
import { AnyObject, AnyValue, Input, Nullable, Open, QueryOf, QueryValue, RegistryError } from '../schemas.js';

// `$id` is not declared: the OpenAPI generator's resolver would take a property named `$id` for a schema id.
export const XdmResource = Open({
  'meta:altId': Type.Optional(Type.String()),
  title: Type.Optional(Type.String()),
  version: Type.Optional(Type.String()),
});
export type XdmResource = Static<typeof XdmResource>;

/** `_page` of Schema Registry lists: `next` is the start of the next page, or null on the last one. */
const RegistryPageInfo = Open({ orderby: Type.Optional(Type.String()), next: Type.Optional(Nullable(Type.String())), count: Type.Integer() });

/** A list: each result a resource, or its id or link (descriptors asked for as ids). */
export const RegistryList = Open({
  results: Type.Array(Type.Union([XdmResource, Type.String()])),
  _page: RegistryPageInfo,
  _links: Type.Optional(Open({ next: Type.Optional(AnyValue), global_schemas: Type.Optional(AnyObject) })),
});
export type RegistryList = Static<typeof RegistryList>;

export const Descriptor = Open({
  '@id': Type.String(),
  '@type': Type.String(),
  'xdm:sourceSchema': Type.String(),
  'xdm:sourceVersion': Type.Integer(),
});
export type Descriptor = Static<typeof Descriptor>;

/** Descriptors without a paged Accept: grouped by `@type`, each group a list of descriptors, ids or links. */
export const DescriptorGroups = Type.Record(Type.String(), Type.Array(Type.Union([Descriptor, Type.String()])));
export const DescriptorList = Type.Union([RegistryList, DescriptorGroups]);

export const DescriptorInput = Input({ '@type': Type.String(), 'xdm:sourceSchema': Type.String(), 'xdm:sourceVersion': Type.Integer() });

export const AuditEntry = Open({
  id: Type.String(),
  updatedUser: Type.String(),
  imsOrg: Type.String(),
  updatedTime: Type.String(),
  requestId: Type.String(),
  clientId: Type.String(),
  sandboxId: Type.String(),
  updates: Type.Array(AnyObject),
});

export const ListQuery = QueryOf({ orderby: Type.String(), start: Type.String(), limit: Type.String(), property: QueryValue });

export const RegistryErrors = {
  400: RegistryError,
  401: Open({ error_code: Type.String(), message: Type.String() }),
  404: RegistryError,
  406: RegistryError,
} as const;
