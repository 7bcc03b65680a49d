import type { FastifyRequest } from 'fastify';
import { HTTP_INLET_SPEC_ID } from '../../connectors/streaming/http-inlet.spec.js';

/** Where an inlet takes posts, on the server the client called (AEP answers its collection host's URL). */
export function inletUrl(request: FastifyRequest, inletId: string): string {
  return `${request.protocol}://${request.host}/collection/${inletId}`;
}

/** A base connection as answered: an HTTP API inlet's params show its `inletUrl` beside its `inletId`. */
export function withInletUrl(request: FastifyRequest, connection: Record<string, unknown>): Record<string, unknown> {
  const spec = connection.connectionSpec as { id?: unknown } | undefined;
  const auth = connection.auth as { params?: Record<string, unknown> } | undefined;
  const inletId = auth?.params?.inletId;
  if (spec?.id !== HTTP_INLET_SPEC_ID || typeof inletId !== 'string') return connection;
  return { ...connection, auth: { ...auth, params: { ...auth?.params, inletUrl: inletUrl(request, inletId) } } };
}
