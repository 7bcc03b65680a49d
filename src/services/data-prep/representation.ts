import type { MappingSetRecord, StoredMapping } from './types.js';

/**
 * How Data Prep shows a mapping: both the current fields (`sourceType`, `source`, `destination`)
 * and the older ones (`sourceAttribute`, `destinationXdmPath`), so clients of either form read it.
 */
export function renderMapping(set: MappingSetRecord, mapping: StoredMapping): Record<string, unknown> {
  return {
    id: mapping.id,
    version: set.version,
    createdDate: set.createdDate,
    modifiedDate: set.modifiedDate,
    createdBy: set.createdBy,
    modifiedBy: set.modifiedBy,
    sourceType: mapping.sourceType,
    source: mapping.source,
    destination: mapping.destination,
    ...(mapping.name !== undefined ? { name: mapping.name } : {}),
    ...(mapping.description !== undefined ? { description: mapping.description } : {}),
    identity: mapping.identity,
    primaryIdentity: mapping.primaryIdentity,
    identityGroup: mapping.identityGroup,
    namespaceCode: mapping.namespaceCode,
    sourceAttribute: mapping.source,
    destinationXdmPath: mapping.destination,
  };
}

/** A whole mapping set, as GET and PUT answer. */
export function renderMappingSet(set: MappingSetRecord): Record<string, unknown> {
  const { doc } = set;
  return {
    id: set.id,
    version: set.version,
    status: 'PUBLISHED',
    ...(doc.name !== undefined ? { name: doc.name } : {}),
    ...(doc.description !== undefined ? { description: doc.description } : {}),
    xdmSchema: doc.xdmSchema,
    xdmVersion: doc.xdmVersion,
    schemaRef: doc.outputSchema.schemaRef,
    outputSchema: doc.outputSchema,
    ...(doc.inputSchema ? { inputSchema: doc.inputSchema } : {}),
    allowNullValues: doc.allowNullValues,
    strictMapping: doc.strictMapping,
    mappings: doc.mappings.map((m) => renderMapping(set, m)),
    createdDate: set.createdDate,
    modifiedDate: set.modifiedDate,
    createdBy: set.createdBy,
    modifiedBy: set.modifiedBy,
  };
}

/** The short answer to a create: what was made, and when. */
export function renderCreated(set: MappingSetRecord): Record<string, unknown> {
  return {
    id: set.id,
    version: set.version,
    createdDate: set.createdDate,
    modifiedDate: set.modifiedDate,
    createdBy: set.createdBy,
    modifiedBy: set.modifiedBy,
  };
}
