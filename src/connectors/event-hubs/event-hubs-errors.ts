import { egressRefusal } from '../egress/index.js';
import { ConnectorError } from '../sdk.js';

/**
 * The failure an Event Hubs SDK error stands for. The SDK names its errors after the AMQP conditions
 * (`UnauthorizedError` for a refused token, `MessagingEntityNotFoundError` for a missing hub, partition or consumer
 * group) and keeps the socket's code for a connection that never opened.
 */
export function eventHubsFailure(error: unknown): ConnectorError {
  if (error instanceof ConnectorError) return error;
  // Past its retries the SDK throws an AggregateError of every attempt's error (its cause, too): the last one tells.
  const attempts = (error as { errors?: unknown } | null)?.errors ?? (error as { cause?: { errors?: unknown } } | null)?.cause?.errors;
  if (Array.isArray(attempts) && attempts.length > 0) return eventHubsFailure(attempts.at(-1));
  const refused = egressRefusal(error);
  if (refused) return refused;
  const { name, code, message } = (error ?? {}) as { name?: unknown; code?: unknown; message?: unknown };
  const text = typeof message === 'string' ? message : String(error);
  const tag = String(code ?? name ?? '');
  if (tag === 'UnauthorizedError' || /unauthori[sz]ed|InvalidSignature|ExpiredToken/i.test(text)) {
    return new ConnectorError('bad_credentials', `Event Hubs refused the shared access key: ${text}`);
  }
  if (tag === 'MessagingEntityNotFoundError' || tag === 'ArgumentOutOfRangeError') return new ConnectorError('not_found', text);
  if (['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'ETIMEDOUT'].includes(tag)) {
    return new ConnectorError('unreachable', `The Event Hubs namespace is unreachable: ${text}`);
  }
  if (tag === 'ServiceCommunicationError' || tag === 'ConnectionForcedError' || /ECONNREFUSED|ENOTFOUND|getaddrinfo/.test(text)) {
    return new ConnectorError('unreachable', `The Event Hubs namespace is unreachable: ${text}`);
  }
  if (tag === 'ArgumentError' || tag === 'TypeError') return new ConnectorError('invalid_params', text);
  return new ConnectorError('transient', text);
}
