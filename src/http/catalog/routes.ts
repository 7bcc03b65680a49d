import type { FastifyRequest } from 'fastify';
import type { AuthenticatedRoutes } from '../auth.js';
import type { BatchFilters, CatalogService, DatasetFilters } from '../../services/catalog/index.js';
import type { BatchIngestionService } from '../../services/ingest/index.js';
import { documenter, JsonPatch, ObjectOrPatch, ParamsOf } from '../schemas.js';
import { Type } from '@sinclair/typebox';
import {
  BatchInput,
  Batches,
  CatalogErrors,
  CatalogRefs,
  DataSetFiles,
  DatasetInput,
  Datasets,
  LastBatchesByDataset,
  ListQuery,
  ReadQuery,
  TagValues,
} from './schemas.js';

/**
 * Catalog routes (mounted under `/data/foundation/catalog`). Catalog answers with objects keyed by id, and
 * with `["@/dataSets/<id>"]` on create; `properties=a,b` trims each object to those fields.
 */

type Query = Record<string, string | string[] | undefined>;

/** Repeated parameters keep their first value, except `property`, which may be given several times. */
function listQuery(request: FastifyRequest): Record<string, string> & { property?: string[] } {
  const query = request.query as Query;
  const out: Record<string, string> & { property?: string[] } = {};
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (key === 'property') out.property = Array.isArray(value) ? value : [value];
    else out[key] = Array.isArray(value) ? value[0]! : value;
  }
  return out;
}

/** Only the fields a client asked for with `properties=`. */
function pick<T extends object>(object: T, properties: string | undefined): Partial<T> | T {
  if (!properties) return object;
  const wanted = new Set(properties.split(',').map((p) => p.trim()));
  return Object.fromEntries(Object.entries(object).filter(([key]) => wanted.has(key))) as Partial<T>;
}

/** The keyed object Catalog answers lists and reads with. `datasetId` is ours; Catalog shows it in relatedObjects. */
function keyed<T extends { id: string }>(objects: T[], properties: string | undefined): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const object of objects) {
    const { datasetId: _, ...shown } = object as T & { datasetId?: string };
    body[object.id] = pick(shown, properties);
  }
  return body;
}

/** Batch writes go through Batch Ingestion, so that a batch opened or moved here follows the import API's rules. */
export function catalogRoutes(catalog: CatalogService, ingest: BatchIngestionService): AuthenticatedRoutes {
  return async (app) => {
    const doc = documenter(CatalogErrors);
    const Id = ParamsOf('id');
    // `?requestDataSource=true` (sent by the tutorial) asks AEP to also create a data source; nothing to do here.
    app.post('/dataSets', doc('Create a dataset', { body: DatasetInput, response: { 201: CatalogRefs } }), async (request, reply) => {
      const id = await catalog.createDataset(request.scope, request.body);
      return reply.status(201).send([`@/dataSets/${id}`]);
    });

    app.get('/dataSets', doc('List datasets', { querystring: ListQuery, response: { 200: Datasets } }), async (request) => {
      const query = listQuery(request);
      const filters: DatasetFilters = { ...query, ...(query['schemaRef.id'] ? { schemaRefId: query['schemaRef.id'] } : {}) };
      return keyed(await catalog.listDatasets(request.scope, filters), query.properties);
    });

    app.get<{ Params: { id: string } }>(
      '/dataSets/:id',
      doc('Retrieve a dataset', { params: Id, querystring: ReadQuery, response: { 200: Datasets } }),
      async (request) => keyed([await catalog.getDataset(request.scope, request.params.id)], listQuery(request).properties),
    );

    app.patch<{ Params: { id: string } }>(
      '/dataSets/:id',
      doc('Update fields of a dataset', { params: Id, body: ObjectOrPatch, response: { 200: CatalogRefs } }),
      async (request) => {
        await catalog.updateDataset(request.scope, request.params.id, request.body);
        return [`@/dataSets/${request.params.id}`];
      },
    );

    // Per dataset: its last batch, last successful and last failed batch (`?dataSet=a,b` narrows the list).
    app.get(
      '/lastBatches',
      doc('The last batches of each dataset', {
        querystring: Type.Partial(Type.Object({ dataSet: Type.String(), properties: Type.String() }, { additionalProperties: true })),
        response: { 200: LastBatchesByDataset },
      }),
      async (request) => {
        const query = listQuery(request);
        const ids = query.dataSet ?? query.dataSetId;
        const last = await catalog.lastBatches(request.scope, ids ? ids.split(',').map((id) => id.trim()) : undefined);
        return Object.fromEntries(Object.entries(last).map(([id, value]) => [id, pick(value, query.properties)]));
      },
    );

    app.put<{ Params: { id: string } }>(
      '/dataSets/:id',
      doc('Replace a dataset', { params: Id, body: DatasetInput, response: { 200: CatalogRefs } }),
      async (request) => {
        await catalog.replaceDataset(request.scope, request.params.id, request.body);
        return [`@/dataSets/${request.params.id}`];
      },
    );

    app.get<{ Params: { namespace: string } }>(
      '/tags/:namespace',
      doc('The tags of a namespace with their values', { params: ParamsOf('namespace'), response: { 200: TagValues } }),
      async (request) => catalog.tagValues(request.scope, request.params.namespace),
    );

    app.delete<{ Params: { id: string } }>(
      '/dataSets/:id',
      doc('Delete a dataset', { params: Id, response: { 200: CatalogRefs } }),
      async (request) => {
        await catalog.deleteDataset(request.scope, request.params.id);
        return [`@/dataSets/${request.params.id}`];
      },
    );

    app.get('/batches', doc('List batches', { querystring: ListQuery, response: { 200: Batches } }), async (request) => {
      const query = listQuery(request);
      return keyed(await catalog.listBatches(request.scope, query as BatchFilters), query.properties);
    });

    app.post('/batches', doc('Create a batch', { body: BatchInput, response: { 201: CatalogRefs } }), async (request, reply) => {
      const id = await ingest.createCatalogBatch(request.scope, request.body);
      return reply.status(201).send([`@/batches/${id}`]);
    });

    for (const [method, mode] of [
      ['put', 'put'],
      ['patch', 'patch'],
    ] as const) {
      app[method]<{ Params: { id: string } }>(
        '/batches/:id',
        doc(method === 'put' ? 'Replace a batch' : 'Update fields of a batch', {
          params: Id,
          body: method === 'put' ? BatchInput : Type.Union([BatchInput, JsonPatch]),
          response: { 200: CatalogRefs },
        }),
        async (request) => {
          await ingest.updateCatalogBatch(request.scope, request.params.id, request.body, mode);
          return [`@/batches/${request.params.id}`];
        },
      );
    }

    app.get<{ Params: { id: string } }>(
      '/batches/:id',
      doc('Retrieve a batch', { params: Id, querystring: ReadQuery, response: { 200: Batches } }),
      async (request) => keyed([await catalog.getBatch(request.scope, request.params.id)], listQuery(request).properties),
    );

    // The `files` link of a dataset ("@/dataSetFiles?dataSetId=…"): one dataSetFile per successful batch.
    app.get(
      '/dataSetFiles',
      doc('List dataset files', {
        querystring: Type.Partial(
          Type.Object(
            { dataSetId: Type.String(), batchId: Type.String(), limit: Type.String(), start: Type.String(), properties: Type.String() },
            { additionalProperties: true },
          ),
        ),
        response: { 200: DataSetFiles },
      }),
      async (request) => {
        const query = listQuery(request);
        const files = await catalog.listDataSetFiles(request.scope, {
          dataSetId: query.dataSetId,
          batchId: query.batchId,
          limit: query.limit,
          start: query.start,
        });
        return keyed(
          files.map((f) => ({ id: f.dataSetFileId, ...f, version: '1.0.0' })),
          query.properties,
        );
      },
    );

    app.get<{ Params: { id: string } }>(
      '/dataSetFiles/:id',
      doc('Retrieve a dataset file', { params: Id, querystring: ReadQuery, response: { 200: DataSetFiles } }),
      async (request) => {
        const file = await catalog.getDataSetFile(request.scope, request.params.id);
        return keyed([{ id: file.dataSetFileId, ...file, version: '1.0.0' }], listQuery(request).properties);
      },
    );
  };
}
