import type { FastifyRequest } from 'fastify';
import type { AuthenticatedRoutes } from '../auth.js';
import type { DataAccessService, LinkBase, Page } from '../../services/export/index.js';
import { renderError, styleOf } from '../errors.js';
import { parseRange } from './range.js';

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
    app.get<{ Params: { batchId: string } }>('/batches/:batchId/files', async (request) =>
      dataAccess.batchFiles(request.scope, request.params.batchId, base(request), page(request)),
    );

    app.get<{ Params: { batchId: string } }>('/batches/:batchId/failed', async (request) =>
      dataAccess.failedFiles(request.scope, request.params.batchId, base(request), page(request)),
    );

    app.get<{ Params: { batchId: string } }>('/batches/:batchId/meta', async (request, reply) => {
      const path = first((request.query as Query).path);
      if (!path) return dataAccess.metaListing(request.scope, request.params.batchId, base(request), page(request));
      const content = await dataAccess.metaFile(request.scope, request.params.batchId, path);
      return reply.type(content.contentType).send(content.body);
    });

    app.get<{ Params: { datasetId: string } }>('/datasets/:datasetId/preview', async (request) =>
      dataAccess.datasetPreview(request.scope, request.params.datasetId),
    );

    app.get<{ Params: { fileId: string } }>('/files/:fileId', async (request, reply) => {
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
    });
  };
}
