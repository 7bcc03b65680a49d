/**
 * Catalog's shapes (Adobe's catalog spec: DataSet, Batch, DataSetFile). Every field is optional in an answer:
 * `properties=a,b` trims each object to the fields asked for.
 */
import { type Static, Type } from '@sinclair/typebox';
import { AnyObject, CatalogRefs, errorResponses, Input, Keyed, Open, PlatformError, QueryOf, QueryValue } from '../schemas.js';

const SchemaRef = Open({ id: Type.String(), contentType: Type.String() });
const Tags = Type.Record(Type.String(), Type.Unknown());

export const Dataset = Type.Partial(
  Open({
    name: Type.String(),
    description: Type.String(),
    version: Type.String(),
    imsOrg: Type.String(),
    sandboxId: Type.String(),
    created: Type.Integer({ description: 'epoch milliseconds' }),
    updated: Type.Integer(),
    createdClient: Type.String(),
    createdUser: Type.String(),
    updatedUser: Type.String(),
    viewId: Type.String(),
    schemaRef: SchemaRef,
    tags: Tags,
    fileDescription: AnyObject,
    enableErrorDiagnostics: Type.Boolean(),
    observableSchema: AnyObject,
    files: Type.String(),
    lastBatchId: Type.String(),
    lastBatchStatus: Type.String(),
  }),
);
export type Dataset = Static<typeof Dataset>;

export const Batch = Type.Partial(
  Open({
    id: Type.String(),
    imsOrg: Type.String(),
    sandboxId: Type.String(),
    status: Type.String(),
    created: Type.Integer(),
    updated: Type.Integer(),
    started: Type.Integer(),
    completed: Type.Integer(),
    createdClient: Type.String(),
    createdUser: Type.String(),
    updatedUser: Type.String(),
    externalId: Type.String(),
    recordCount: Type.Integer(),
    failedRecordCount: Type.Integer(),
    size: Type.Integer(),
    errors: Type.Array(Open({ code: Type.String(), description: Type.String(), rows: Type.Optional(Type.Array(Type.String())) })),
    relatedObjects: Type.Array(Open({ type: Type.String(), id: Type.String() })),
    metrics: AnyObject,
    tags: Tags,
    inputFormat: AnyObject,
    replay: AnyObject,
    version: Type.String(),
  }),
);
export type Batch = Static<typeof Batch>;

export const DataSetFile = Type.Partial(
  Open({
    id: Type.String(),
    dataSetFileId: Type.String(),
    dataSetId: Type.String(),
    batchId: Type.String(),
    created: Type.Integer(),
    updated: Type.Integer(),
    records: Type.Integer(),
    size: Type.Integer(),
    isValid: Type.Boolean(),
    version: Type.String(),
  }),
);
export type DataSetFile = Static<typeof DataSetFile>;

export const LastBatches = Type.Partial(
  Open({
    lastBatchId: Type.String(),
    lastBatchStatus: Type.String(),
    lastSuccessfulBatchId: Type.String(),
    lastFailedBatchId: Type.String(),
    imsOrg: Type.String(),
    created: Type.Integer(),
    updated: Type.Integer(),
  }),
);

export const Datasets = Keyed(Dataset);
export const Batches = Keyed(Batch);
export const DataSetFiles = Keyed(DataSetFile);
export const LastBatchesByDataset = Keyed(LastBatches);
export { CatalogRefs };

export const DatasetInput = Input({
  name: Type.String(),
  description: Type.String(),
  schemaRef: AnyObject,
  tags: Tags,
  fileDescription: AnyObject,
  enableErrorDiagnostics: Type.Boolean(),
});
export const BatchInput = Input({
  datasetId: Type.String(),
  status: Type.String(),
  inputFormat: AnyObject,
  tags: Tags,
  externalId: Type.String(),
  relatedObjects: Type.Array(AnyObject),
});

export const ListQuery = QueryOf({
  limit: Type.String(),
  start: Type.String(),
  orderBy: Type.String(),
  properties: Type.String({ description: 'comma-separated fields to answer with' }),
  property: QueryValue,
});
export const ReadQuery = QueryOf({ properties: Type.String() });

/** The answer of a tag namespace: each tag with its values. */
export const TagValues = Type.Record(Type.String(), Type.Unknown());

export const CatalogErrors = errorResponses(PlatformError);
