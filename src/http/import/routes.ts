import type { FastifyRequest } from 'fastify';
import type { AuthenticatedRoutes } from '../auth.js';
import type { BatchIngestionService } from '../../services/ingest/index.js';
import { ServiceError } from '../../services/errors.js';
import { header } from '../paging.js';
import { type Static, Type } from '@sinclair/typebox';
import { Batch } from '../catalog/schemas.js';
import { AnyObject, BinaryBody, documenter, errorResponses, Input, NoContent, Open, ParamsOf, PlatformError, QueryOf } from '../schemas.js';

/** What a chunk or a completed file answers. */
export const UploadedFile = Open({ name: Type.String(), sizeInBytes: Type.Integer() });
export type UploadedFile = Static<typeof UploadedFile>;

const BatchParams = ParamsOf('batchId');
const FileParams = ParamsOf('batchId', 'datasetId', '*');
const ActionQuery = QueryOf({ action: Type.String() });
const NewBatch = Input({ datasetId: Type.String(), inputFormat: AnyObject, tags: AnyObject, externalId: Type.String(), replay: AnyObject });

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
    const doc = documenter(errorResponses(PlatformError));
    // The body stays a stream: the service writes it to disk as it arrives, and stops at its size limit.
    app.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));

    app.post('/batches', doc('Open a batch for uploads', { body: NewBatch, response: { 201: Batch } }), async (request, reply) =>
      reply.status(201).send(await ingest.createBatch(request.scope, request.body)),
    );

    app.post<{ Params: { batchId: string } }>(
      '/batches/:batchId',
      doc('Act on a batch: ?action=COMPLETE, ABORT, FAIL or REVERT', {
        params: BatchParams,
        querystring: ActionQuery,
        noBody: true,
        response: { 200: Batch },
      }),
      async (request) => ingest.batchAction(request.scope, request.params.batchId, first((request.query as Query).action)),
    );

    app.put<{ Params: FileParams }>(
      '/batches/:batchId/datasets/:datasetId/files/*',
      doc('Upload a small file whole', {
        params: FileParams,
        body: BinaryBody('application/octet-stream'),
        response: { 200: NoContent, 201: NoContent },
      }),
      async (request, reply) => {
        requireOctetStream(request);
        const { batchId, datasetId } = request.params;
        const result = await ingest.putFile(request.scope, batchId, datasetId, request.params['*'], request.body as NodeJS.ReadableStream as never);
        return reply.status(result.created ? 201 : 200).send();
      },
    );

    app.patch<{ Params: FileParams }>(
      '/batches/:batchId/datasets/:datasetId/files/*',
      doc('Upload a chunk of a large file (Content-Range)', {
        params: FileParams,
        body: BinaryBody('application/octet-stream'),
        response: { 200: UploadedFile },
      }),
      async (request) => {
        requireOctetStream(request);
        const { batchId, datasetId } = request.params;
        return ingest.putChunk(request.scope, batchId, datasetId, request.params['*'], header(request, 'content-range'), request.body as never);
      },
    );

    app.post<{ Params: FileParams }>(
      '/batches/:batchId/datasets/:datasetId/files/*',
      doc('Start (?action=INITIALIZE) or finish (?action=COMPLETE) a large file', {
        params: FileParams,
        querystring: ActionQuery,
        noBody: true,
        response: { 200: UploadedFile, 201: NoContent },
      }),
      async (request, reply) => {
        const { batchId, datasetId } = request.params;
        const action = (first((request.query as Query).action) ?? '').toUpperCase();
        if (action === 'INITIALIZE') {
          await ingest.initializeFile(request.scope, batchId, datasetId, request.params['*']);
          return reply.status(201).send();
        }
        if (action === 'COMPLETE') return ingest.completeFile(request.scope, batchId, datasetId, request.params['*']);
        throw new ServiceError('invalid', 'action must be INITIALIZE or COMPLETE for a file');
      },
    );

    app.head<{ Params: FileParams }>(
      '/batches/:batchId/datasets/:datasetId/files/*',
      doc('How much of a file has arrived (Range, x-tributary-file-complete)', { params: FileParams, response: { 200: NoContent } }),
      async (request, reply) => {
        const { batchId, datasetId } = request.params;
        const status = await ingest.fileStatus(request.scope, batchId, datasetId, request.params['*']);
        // What has arrived, from byte 0 without a gap (AEP answers HEAD with a Range header).
        if (status.size > 0) reply.header('range', `bytes=0-${status.size - 1}`);
        return reply.header('x-tributary-file-complete', String(status.complete)).header('content-length', status.size).send();
      },
    );

    app.get<{ Params: { batchId: string; datasetId: string } }>(
      '/batches/:batchId/datasets/:datasetId/preview',
      doc('Preview the rows of an uploaded batch', { params: ParamsOf('batchId', 'datasetId'), response: { 200: AnyObject } }),
      async (request) => {
        const query = Object.fromEntries(Object.entries(request.query as Query).map(([k, v]) => [k, first(v)]));
        return ingest.preview(request.scope, request.params.batchId, request.params.datasetId, query);
      },
    );
  };
}
