/**
 * A check of every JSON reply against the response schema its route declares, for the test suite (AppOptions
 * `checkResponses`). Two things can go wrong and both are caught:
 * - the body does not match the schema (a field of the wrong type, a required one missing): validated with Ajv
 *   before Fastify serializes it, since the serializer would quietly coerce or drop what does not fit;
 * - the serializer changed the body: a property the schema does not declare on a closed object is dropped, a
 *   number declared as a string is stringified. The body as sent is compared with the body as returned.
 * A 2xx JSON reply of a route that declares no schema for its status is a mismatch too. Each mismatch is reported
 * and the request fails with a 500, so the test that made it fails where it stands.
 */
import { isDeepStrictEqual } from 'node:util';
import type { ValidateFunction } from 'ajv';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { checkingAjv } from './validation.js';

export interface ResponseMismatch {
  /** `GET /data/foundation/flowservice/flows/:id`: the route. */
  route: string;
  /** The URL as called. */
  url: string;
  status: number;
  problems: string[];
}

export type ResponseCheckReport = (mismatch: ResponseMismatch) => void;

type Responses = Record<string, unknown>;

/** The schema Fastify would serialize a status with: the exact code, then `2xx`, then `default`. */
function schemaFor(responses: Responses | undefined, status: number): object | undefined {
  if (!responses) return undefined;
  const declared = (responses[String(status)] ?? responses[`${String(status)[0]}xx`] ?? responses.default) as Record<string, unknown> | undefined;
  if (!declared) return undefined;
  // A response declared per media type: its JSON one.
  const content = declared.content as Record<string, { schema?: object }> | undefined;
  if (content) return Object.entries(content).find(([type]) => /json/.test(type))?.[1]?.schema;
  return declared;
}

/** Where two JSON values first differ, as a JSON pointer with both sides. */
function difference(sent: unknown, received: unknown, path = ''): string | undefined {
  if (isDeepStrictEqual(sent, received)) return undefined;
  if (typeof sent === 'object' && sent !== null && typeof received === 'object' && received !== null) {
    const keys = new Set([...Object.keys(sent), ...Object.keys(received)]);
    for (const key of keys) {
      const inner = difference((sent as Record<string, unknown>)[key], (received as Record<string, unknown>)[key], `${path}/${key}`);
      if (inner) return inner;
    }
  }
  const show = (value: unknown) => (value === undefined ? 'absent' : JSON.stringify(value)?.slice(0, 200));
  return `${path || '/'}: the handler answered ${show(sent)}, the serializer sent ${show(received)}`;
}

export function registerResponseCheck(app: FastifyInstance, report: ResponseCheckReport): void {
  const ajv = checkingAjv();
  const validators = new WeakMap<object, ValidateFunction>();
  const answered = new WeakMap<FastifyRequest, string>();

  const fail = (request: FastifyRequest, status: number, problems: string[]) => {
    const mismatch = { route: `${request.method} ${request.routeOptions.url}`, url: request.url, status, problems };
    report(mismatch);
    throw new Error(`response check: ${mismatch.route} → ${status}: ${problems.join('; ')}`);
  };

  app.addHook('preSerialization', async (request, reply, payload) => {
    const routeSchema = request.routeOptions.schema as { response?: Responses; hide?: boolean } | undefined;
    // Unmatched requests (the not-found handler) and hidden routes (the web UI) are not API operations.
    if (request.routeOptions.url === undefined || request.is404 || routeSchema?.hide) return payload;
    const status = reply.statusCode;
    const schema = schemaFor(routeSchema?.response, status);
    if (!schema) {
      if (status >= 200 && status < 300) fail(request, status, ['the route declares no response schema for this status']);
      return payload;
    }
    let validate = validators.get(schema);
    if (!validate) {
      validate = ajv.compile(schema);
      validators.set(schema, validate);
    }
    // What the client should receive: the body as JSON would carry it.
    const sent = JSON.stringify(payload);
    if (!validate(sent === undefined ? undefined : JSON.parse(sent)))
      fail(
        request,
        status,
        (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} (${e.schemaPath})`),
      );
    if (sent !== undefined) answered.set(request, sent);
    return payload;
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const sent = answered.get(request);
    if (sent === undefined || typeof payload !== 'string') return payload;
    answered.delete(request);
    const problem = difference(JSON.parse(sent), JSON.parse(payload));
    if (problem) fail(request, reply.statusCode, [problem]);
    return payload;
  });
}
