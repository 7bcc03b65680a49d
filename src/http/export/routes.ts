import type { FastifyRequest } from 'fastify';
import type { AuthenticatedRoutes } from '../auth.js';
import type { DataAccessService, LinkBase, Page } from '../../services/export/index.js';
import { renderError, styleOf } from '../errors.js';
import { parseRange } from './range.js';
import { type Static, Type } from '@sinclair/typebox';
import { AnyObject, Binary, DataPage, documenter, errorResponses, Open, ParamsOf, PlatformError, QueryOf } from '../schemas.js';

const SelfLink = Open({ self: Open({ href: Type.String() }) });

/** A file or folder of a listing; `length` is a string, as Data Access gives it. */
export const FileEntry = Open({ name: Type.String(), length: Type.String(), _links: SelfLink });
export type FileEntry = Static<typeof FileEntry>;

export const DataSetFileEntry = Open({
  dataSetFileId: Type.String(),
  dataSetViewId: Type.String(),
  version: Type.String(),
  created: Type.String(),
  updated: Type.String(),
  isValid: Type.Boolean(),
  records: Type.Integer(),
  size: Type.Integer(),
  _links: SelfLink,
});
export type DataSetFileEntry = Static<typeof DataSetFileEntry>;

export const DatasetPreview = Open({ data: Type.Array(AnyObject), columns: Type.Array(Open({ name: Type.String(), type: Type.String() })) });
export type DatasetPreview = Static<typeof DatasetPreview>;

const PageQuery = QueryOf({ start: Type.String(), limit: Type.String() });
const FileQuery = QueryOf({
  start: Type.String(),
  limit: Type.String(),
  path: Type.String({ description: 'a file to download instead of the listing' }),
});

type Query = Record<string, string | string[] | undefined>;

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

function page(request: FastifyRequest): Page {
  const query = request.query as Query;
  return { start: first(query.start), limit: first(query.limit) };
}

/** Links point back at the host the client called, so they work behind any address. */
const base = (request: FastifyRequest): LinkBase => ({ origin: `${request.protocol}://${request.host}` });

/** Data Access routes (mounted under `/data/foundation/export`). */
export function exportRoutes(dataAccess: DataAccessService): AuthenticatedRoutes {
  return async (app) => {
    const doc = documenter(errorResponses(PlatformError));
    app.get<{ Params: { batchId: string } }>(
      '/batches/:batchId/files',
      doc('The dataset files of a batch', { params: ParamsOf('batchId'), querystring: PageQuery, response: { 200: DataPage(DataSetFileEntry) } }),
      async (request) => dataAccess.batchFiles(request.scope, request.params.batchId, base(request), page(request)),
    );

    app.get<{ Params: { batchId: string } }>(
      '/batches/:batchId/failed',
      doc('The failed files of a batch', { params: ParamsOf('batchId'), querystring: PageQuery, response: { 200: DataPage(FileEntry) } }),
      async (request) => dataAccess.failedFiles(request.scope, request.params.batchId, base(request), page(request)),
    );

    app.get<{ Params: { batchId: string } }>(
      '/batches/:batchId/meta',
      doc('The meta files of a batch (row errors, input files); with ?path= one of them', {
        params: ParamsOf('batchId'),
        querystring: FileQuery,
        response: { 200: DataPage(FileEntry) },
      }),
      async (request, reply) => {
        const path = first((request.query as Query).path);
        if (!path) return dataAccess.metaListing(request.scope, request.params.batchId, base(request), page(request));
        const content = await dataAccess.metaFile(request.scope, request.params.batchId, path);
        return reply.type(content.contentType).send(content.body);
      },
    );

    app.get<{ Params: { datasetId: string } }>(
      '/datasets/:datasetId/preview',
      doc('The first rows of a dataset', { params: ParamsOf('datasetId'), response: { 200: DatasetPreview } }),
      async (request) => dataAccess.datasetPreview(request.scope, request.params.datasetId),
    );

    app.get<{ Params: { fileId: string } }>(
      '/files/:fileId',
      doc('The files of a dataset file; with ?path= the bytes of one (Range honoured)', {
        params: ParamsOf('fileId'),
        querystring: FileQuery,
        response: {
          200: {
            description: 'The listing, or with ?path= the file',
            content: {
              'application/json': { schema: DataPage(FileEntry) },
              'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
            },
          },
          206: Binary('application/octet-stream', 'The range of the file asked for'),
        },
      }),
      async (request, reply) => {
        const { scope, params } = request;
        const path = first((request.query as Query).path);
        if (!path) return dataAccess.fileListing(scope, params.fileId, base(request), page(request));

        const info = await dataAccess.fileInfo(scope, params.fileId, path);
        const range = parseRange(first(request.headers.range), info.size);
        reply.header('accept-ranges', 'bytes').type('application/octet-stream');
        if (range.kind === 'unsatisfiable') {
          const rendered = renderError(styleOf(request), 416, `Range not satisfiable: the file has ${info.size} bytes`);
          return reply.status(416).header('content-range', `bytes */${info.size}`).type('application/json').send(rendered.body);
        }
        if (range.kind === 'partial') {
          const { stream } = await dataAccess.openFile(scope, params.fileId, path, range);
          return reply
            .status(206)
            .header('content-range', `bytes ${range.start}-${range.end}/${info.size}`)
            .header('content-length', range.end - range.start + 1)
            .send(stream);
        }
        const { stream } = await dataAccess.openFile(scope, params.fileId, path);
        return reply.header('content-length', info.size).send(stream);
      },
    );
  };
}
