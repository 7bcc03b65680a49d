/** One mapping as stored: the normalised form plus what AEP shows back. */
export interface StoredMapping {
  id: string;
  sourceType: 'ATTRIBUTE' | 'EXPRESSION' | 'STATIC';
  source: string;
  destination: string;
  identity: boolean;
  primaryIdentity: boolean;
  namespaceCode: string | null;
  identityGroup: string | null;
  name?: string;
  description?: string;
}

/** What a create or update request asks for, once checked and normalised. */
export interface MappingSetInput {
  name?: string;
  description?: string;
  xdmSchema: string;
  xdmVersion: string;
  outputSchema: { schemaRef: { id: string; contentType: string } };
  inputSchema?: Record<string, unknown>;
  allowNullValues: boolean;
  strictMapping: boolean;
  mappings: Array<Omit<StoredMapping, 'id'>>;
}

/** One version of a mapping set, as the repository returns it. */
export interface MappingSetRecord {
  id: string;
  version: number;
  doc: Omit<MappingSetInput, 'mappings'> & { mappings: StoredMapping[] };
  createdBy: string;
  modifiedBy: string;
  createdDate: number;
  modifiedDate: number;
}
