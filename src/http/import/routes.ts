import type { FastifyRequest } from 'fastify';
import type { AuthenticatedRoutes } from '../auth.js';
import type { BatchIngestionService } from '../../services/ingest/index.js';
import { ServiceError } from '../../services/errors.js';
import { header } from '../paging.js';

/**
 * Batch Ingestion routes (mounted under `/data/foundation/import`). File bodies are raw bytes
 * (`application/octet-stream`), streamed to the service, which bounds them; any other media type is 415.
 */

type FileParams = { batchId: string; datasetId: string; '*': string };
type Query = Record<string, string | string[] | undefined>;

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

function requireOctetStream(request: FastifyRequest): void {
  const type = (header(request, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/octet-stream') {
    throw new ServiceError(
      'unsupported_media_type',
      `file bodies must be sent as application/octet-stream, not ${type ? `"${type}"` : 'without a Content-Type'}`,
    );
  }
}

export function importRoutes(ingest: BatchIngestionService): AuthenticatedRoutes {
  return async (app) => {
    // The body stays a stream: the service writes it to disk as it arrives, and stops at its size limit.
    app.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));

    app.post('/batches', async (request, reply) => reply.status(201).send(await ingest.createBatch(request.scope, request.body)));

    app.post<{ Params: { batchId: string } }>('/batches/:batchId', async (request) =>
      ingest.batchAction(request.scope, request.params.batchId, first((request.query as Query).action)),
    );

    app.put<{ Params: FileParams }>('/batches/:batchId/datasets/:datasetId/files/*', async (request, reply) => {
      requireOctetStream(request);
      const { batchId, datasetId } = request.params;
      const result = await ingest.putFile(request.scope, batchId, datasetId, request.params['*'], request.body as NodeJS.ReadableStream as never);
      return reply.status(result.created ? 201 : 200).send();
    });

    app.patch<{ Params: FileParams }>('/batches/:batchId/datasets/:datasetId/files/*', async (request) => {
      requireOctetStream(request);
      const { batchId, datasetId } = request.params;
      return ingest.putChunk(request.scope, batchId, datasetId, request.params['*'], header(request, 'content-range'), request.body as never);
    });

    app.post<{ Params: FileParams }>('/batches/:batchId/datasets/:datasetId/files/*', async (request, reply) => {
      const { batchId, datasetId } = request.params;
      const action = (first((request.query as Query).action) ?? '').toUpperCase();
      if (action === 'INITIALIZE') {
        await ingest.initializeFile(request.scope, batchId, datasetId, request.params['*']);
        return reply.status(201).send();
      }
      if (action === 'COMPLETE') return ingest.completeFile(request.scope, batchId, datasetId, request.params['*']);
      throw new ServiceError('invalid', 'action must be INITIALIZE or COMPLETE for a file');
    });

    app.head<{ Params: FileParams }>('/batches/:batchId/datasets/:datasetId/files/*', async (request, reply) => {
      const { batchId, datasetId } = request.params;
      const status = await ingest.fileStatus(request.scope, batchId, datasetId, request.params['*']);
      // What has arrived, from byte 0 without a gap (AEP answers HEAD with a Range header).
      if (status.size > 0) reply.header('range', `bytes=0-${status.size - 1}`);
      return reply.header('x-tributary-file-complete', String(status.complete)).header('content-length', status.size).send();
    });

    app.get<{ Params: { batchId: string; datasetId: string } }>('/batches/:batchId/datasets/:datasetId/preview', async (request) => {
      const query = Object.fromEntries(Object.entries(request.query as Query).map(([k, v]) => [k, first(v)]));
      return ingest.preview(request.scope, request.params.batchId, request.params.datasetId, query);
    });
  };
}
