import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ServiceError, type FailureKind } from '../services/errors.js';

const STATUS: Record<FailureKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  not_acceptable: 406,
  conflict: 409,
  precondition_failed: 412,
  too_large: 413,
  unsupported_media_type: 415,
  too_many_requests: 429,
  unavailable: 503,
};

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/**
 * The services differ in how they report errors; each route prefix says which style it speaks.
 * - `registry`: Schema Registry's `errorBasic` (`type` URI with an XDM code, `report` with `registryRequestId`).
 * - `platform`: the RFC 7807-like body the other platform services use, with the service's code in `type`.
 * - `gateway`: Adobe's API gateway rejecting a call before any service sees it (`error_code`, `message`).
 * - `ims`: OAuth 2 errors of the token endpoint (`error`, `error_description`).
 * - `iceberg`: the Iceberg REST catalog's ErrorModel (`{"error": {"message", "type", "code"}}`).
 */
export type ErrorStyle = { kind: 'registry' } | { kind: 'platform'; service: string } | { kind: 'gateway' } | { kind: 'ims' } | { kind: 'iceberg' };

/** The Iceberg REST catalog's error types by status, where the service names none (its code ends in "Exception"). */
const ICEBERG_TYPES: Record<number, string> = {
  400: 'BadRequestException',
  401: 'NotAuthorizedException',
  403: 'ForbiddenException',
  404: 'NoSuchTableException',
  406: 'UnsupportedOperationException',
  409: 'CommitFailedException',
  503: 'ServiceUnavailableException',
};

export interface ErrorBody {
  status: number;
  body: Record<string, unknown>;
}

function timestamp(): string {
  // Schema Registry's report timestamp: "MM-dd-yyyy HH:mm:ss" in UTC.
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}-${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

export function renderError(style: ErrorStyle, status: number, message: string, code?: string, details?: unknown): ErrorBody {
  const title = TITLES[status] ?? 'Error';
  switch (style.kind) {
    case 'gateway':
      return { status, body: { error_code: code ?? String(status), message } };
    case 'ims':
      return { status, body: { error: code ?? (status === 401 ? 'invalid_client' : 'invalid_request'), error_description: message } };
    case 'iceberg': {
      const type = code?.endsWith('Exception') ? code : (ICEBERG_TYPES[status] ?? 'InternalServerError');
      return { status, body: { error: { message, type, code: status } } };
    }
    case 'registry': {
      const xdmCode =
        code ?? `XDM-${status === 404 ? '1012' : status === 406 ? '1007' : status === 409 ? '1009' : status === 400 ? '1000' : '1099'}-${status}`;
      return {
        status,
        body: {
          type: `http://ns.adobe.com/aep/errors/${xdmCode}`,
          title,
          status,
          detail: message,
          report: {
            registryRequestId: randomUUID(),
            timestamp: timestamp(),
            'detailed-message': message,
            'sub-errors': Array.isArray(details) ? details : [],
          },
        },
      };
    }
    case 'platform': {
      const platformCode = code ?? `${style.service}-${status}`;
      const body: Record<string, unknown> = {
        type: `http://ns.adobe.com/aep/errors/${platformCode}`,
        title,
        status,
        detail: message,
        report: { 'detailed-message': message, ...(details !== undefined ? { details } : {}) },
      };
      // Query Service's own error shape (query-service.yaml `error`): `code`, `message`, `errorType`, beside the
      // platform's fields, so a client reading either finds what it looks for.
      if (style.service === 'QS') Object.assign(body, { code: platformCode, message, errorType: status >= 500 ? 'SYSTEM_ERROR' : 'USER_ERROR' });
      return { status, body };
    }
  }
}

/** Picks the error style of a URL; unknown paths answer in the platform style. */
export function styleFor(url: string): ErrorStyle {
  const path = url.split('?')[0] ?? url;
  if (path.startsWith('/ims/')) return { kind: 'ims' };
  if (path === '/iceberg' || path.startsWith('/iceberg/')) return { kind: 'iceberg' };
  if (path.startsWith('/data/foundation/schemaregistry')) return { kind: 'registry' };
  const service = /^\/data\/(?:foundation|core)\/([a-z-]+)/.exec(path)?.[1];
  const codes: Record<string, string> = {
    flowservice: 'FLOW',
    catalog: 'CAT',
    conversion: 'CONV',
    import: 'INGEST',
    export: 'EXPORT',
    'sandbox-management': 'SANDBOX',
    query: 'QS',
    idnamespace: 'IDN',
  };
  if (path.startsWith('/collection/')) return { kind: 'platform', service: 'STREAM' };
  return { kind: 'platform', service: (service && codes[service]) || 'TRIB' };
}

/**
 * The error style of a request: that of the route the router matched, so `/%64ata/…/schemaregistry/…` answers like
 * `/data/…/schemaregistry/…`; the URL as sent when nothing matched.
 */
export function styleOf(request: FastifyRequest): ErrorStyle {
  return styleFor(request.routeOptions.url ?? request.url);
}

/** What a schema check refused, in words: a body that is not an object at all is said plainly. */
function validationMessage(error: FastifyError): string {
  const first = error.validation?.[0];
  if (error.validationContext === 'body' && first?.keyword === 'type' && first.instancePath === '' && first.params.type === 'object')
    return 'the body must be a JSON object';
  return error.message;
}

/** The one error handler: known failures get their status and shape; anything else is a 500 without internals. */
export function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  let rendered: ErrorBody;
  const style = styleOf(request);
  if (error instanceof ServiceError) {
    const refusedAtGateway = error.kind === 'unauthenticated' || (error.kind === 'forbidden' && /^40\d{4}$/.test(error.code ?? ''));
    // Token endpoint and Iceberg clients read their own error shapes, whoever refused the call.
    const shown: ErrorStyle = refusedAtGateway && style.kind !== 'ims' && style.kind !== 'iceberg' ? { kind: 'gateway' } : style;
    rendered = renderError(shown, STATUS[error.kind], error.message, error.code, error.details);
  } else if ('validation' in error && error.validation) {
    rendered = renderError(style, 400, `Invalid request: ${validationMessage(error)}`);
  } else if ('statusCode' in error && typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    // Fastify's own 4xx: malformed JSON, body too large, unsupported content type.
    rendered = renderError(style, error.statusCode, error.message);
  } else {
    request.log.error({ err: error }, 'unhandled error');
    rendered = renderError(style, 500, 'An internal error occurred; the request id is in the server log', undefined);
  }
  void reply.status(rendered.status).type('application/json').send(rendered.body);
}
