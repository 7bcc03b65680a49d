/**
 * The failures a service can decide on. The HTTP layer turns each kind into a status code and
 * the error shape of the service that raised it; no other layer knows about status codes.
 */
export type FailureKind =
  | 'invalid' // 400: the request is malformed or breaks a rule
  | 'unauthenticated' // 401
  | 'forbidden' // 403
  | 'not_found' // 404
  | 'not_acceptable' // 406
  | 'conflict' // 409: the resource's state forbids it
  | 'precondition_failed' // 412: If-Match does not match
  | 'too_large' // 413
  | 'unsupported_media_type' // 415
  | 'too_many_requests' // 429: pushed back, try again later
  | 'unavailable'; // 503: a dependency is down

export class ServiceError extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    /** A stable, service-specific code such as "XDM-1012-404" or "FLOW-1004"; optional. */
    readonly code?: string,
    /** Structured details safe to show a client (never secrets). */
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const invalid = (message: string, code?: string, details?: unknown) => new ServiceError('invalid', message, code, details);
export const notFound = (message: string, code?: string) => new ServiceError('not_found', message, code);
export const conflict = (message: string, code?: string) => new ServiceError('conflict', message, code);
export const forbidden = (message: string, code?: string) => new ServiceError('forbidden', message, code);
export const preconditionFailed = (message: string, code?: string) => new ServiceError('precondition_failed', message, code);
