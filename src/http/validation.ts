/**
 * How route schemas check requests. Fastify's default Ajv coerces types, fills defaults and removes properties;
 * here a body reaches its service exactly as the client sent it (the services own their rules and error codes,
 * and AEP accepts some fields in two types), and a missing (or null) body is left to the service, which knows whether the
 * operation needs one — AEP's clients send `Content-Type: application/json` with no body on bodiless calls.
 * Query strings, path parameters and headers arrive as text: there a schema's `integer` or `boolean` is read from
 * the text, as Fastify's own checker does (`?limit=200` is the number 200).
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import type { FastifyValidationResult } from 'fastify/types/schema.js';

// ajv-formats is CommonJS: under NodeNext its default export is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

/** An Ajv that checks and changes nothing; `strict: false` because route schemas carry OpenAPI keywords. */
export function checkingAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: false, coerceTypes: false, useDefaults: false, removeAdditional: false });
  addFormats(ajv);
  return ajv;
}

/** Fastify's own options for the parts of a request that are text (query string, path, headers). */
function textPartsAjv(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: false, coerceTypes: 'array', useDefaults: true, removeAdditional: true });
  addFormats(ajv);
  return ajv;
}

export function requestValidatorCompiler(): FastifySchemaCompiler<unknown> {
  const ajv = checkingAjv();
  const textAjv = textPartsAjv();
  return ({ schema, httpPart }) => {
    // A body of raw bytes (a file upload) reaches the route as a stream: there is nothing to check as JSON.
    if ((schema as { format?: string }).format === 'binary') return () => true;
    if (httpPart !== 'body') return textAjv.compile(schema as object) as FastifyValidationResult;
    const validate = ajv.compile(schema as object) as ValidateFunction;
    const check = (data: unknown) => data === undefined || data === null || validate(data);
    // Fastify reads the errors off the function after a failed check: they are the compiled validator's.
    Object.defineProperty(check, 'errors', { get: () => validate.errors ?? null });
    return check as FastifyValidationResult;
  };
}
