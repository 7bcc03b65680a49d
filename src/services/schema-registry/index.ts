/** The Schema Registry's public face for the rest of the platform. */
export {
  SchemaRegistryService,
  type ResourceView,
  type DescriptorListView,
  type ResourceChange,
  type SchemaRegistryOptions,
} from './schema-registry.service.js';
export type { Descriptor } from './descriptors.js';
export type { ListQuery, ListPage } from './listing.js';
export type { Resource } from './resource.js';
export { isPathKind, type Container, type PathKind, type ResourceType } from './ids.js';
export { purgeSchemaRegistrySandbox } from './sandbox-purge.js';
