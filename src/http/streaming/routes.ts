import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { StreamingInletService } from '../../services/streaming-inlet/index.js';
import { bearerToken } from '../auth.js';
import { registerUrlGuard } from '../url-guard.js';

/** One message may be at most 1 MB, checked by the service (413 in its shape); this only stops absurd bodies early. */
const SINGLE_BODY_LIMIT = 4 * 1024 * 1024;

const params = {
  type: 'object',
  properties: { inletId: { type: 'string', minLength: 1, maxLength: 128 } },
  required: ['inletId'],
} as const;

const singleResponse = {
  type: 'object',
  properties: { inletId: { type: 'string' }, xactionId: { type: 'string' }, receivedTimeMs: { type: 'integer' } },
  required: ['inletId', 'xactionId', 'receivedTimeMs'],
} as const;

const batchResponse = {
  type: 'object',
  properties: {
    inletId: { type: 'string' },
    batchId: { type: 'string' },
    receivedTimeMs: { type: 'integer' },
    responses: {
      type: 'array',
      items: {
        type: 'object',
        properties: { xactionId: { type: 'string' }, status: { type: 'integer' }, message: { type: 'string' } },
        required: ['status'],
      },
    },
  },
  required: ['inletId', 'batchId', 'receivedTimeMs', 'responses'],
} as const;

type Post = FastifyRequest<{ Params: { inletId: string }; Body: unknown }>;

function credentials(request: FastifyRequest) {
  const header = (name: string) => {
    const value = request.headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  return {
    bearer: bearerToken(request),
    apiKey: header('x-api-key'),
    orgHeader: header('x-gw-ims-org-id'),
    sandboxHeader: header('x-sandbox-name'),
  };
}

/**
 * AEP's streaming ingestion endpoint (`dcs.adobedc.net/collection/...`): public routes, since an inlet decides for
 * itself whether a post needs a token (`authenticationRequired`).
 */
export function streamingInletRoutes(inlets: StreamingInletService): FastifyPluginAsync {
  return async (app) => {
    registerUrlGuard(app);
    app.post(
      '/collection/:inletId',
      {
        bodyLimit: SINGLE_BODY_LIMIT,
        schema: {
          params,
          querystring: { type: 'object', properties: { syncValidation: { type: 'boolean' } } },
          // Any JSON: an XDM envelope or a raw object; the service tells which, and refuses the rest.
          body: {},
          response: { 200: singleResponse },
        },
      },
      async (request: Post) => inlets.collect(request.params.inletId, credentials(request), request.body),
    );
    app.post(
      '/collection/batch/:inletId',
      {
        schema: {
          params,
          body: { type: 'object', properties: { messages: { type: 'array', minItems: 1, items: {} } }, required: ['messages'] },
          response: { 207: batchResponse },
        },
      },
      async (request: Post, reply) => reply.status(207).send(await inlets.collectBatch(request.params.inletId, credentials(request), request.body)),
    );
  };
}
