/**
 * The shapes every service's routes share, as TypeBox schemas: each constant is both the JSON schema a route declares
 * (and `/docs/json` documents) and, through `Static`, the TypeScript type of the same name.
 *
 * Fastify serializes a response through its schema and drops every property the schema does not declare, so AEP's
 * objects — open by nature: a client may have stored any field — are declared `additionalProperties: true` with their
 * known fields typed. Request bodies are checked as sent (no coercion, no defaults: see ./validation.ts); whether a
 * field is required, and the error code of a missing one, stays with the service.
 */
import { type Static, type TObject, type TProperties, type TSchema, Type } from '@sinclair/typebox';

/** An object that keeps whatever else it carries: AEP resources, XDM documents, free-form params. */
export const Open = <P extends TProperties>(properties: P, description?: string) =>
  Type.Object(properties, { additionalProperties: true, ...(description ? { description } : {}) });

/**
 * A request body: its fields documented, none required here — the service says what is missing, in its own words
 * and with its own error code.
 */
export const Input = <P extends TProperties>(properties: P, description?: string) => Type.Partial(Open(properties, description));

/** Any JSON object. */
export const AnyObject = Open({});
export type AnyObject = Static<typeof AnyObject>;

/** Any JSON value (serialized as is). */
export const AnyValue = Type.Unknown();

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

/** A query parameter: given once it is a string, repeated it is an array. */
export const QueryValue = Type.Union([Type.String(), Type.Array(Type.String())]);

/** A query string whose named parameters are documented; others (AEP's field filters) pass through. */
export const QueryOf = <P extends TProperties>(properties: P) => Type.Partial(Type.Object(properties, { additionalProperties: true }));

/** Path parameters, each a string. */
export const ParamsOf = <K extends string>(...names: K[]) =>
  Type.Object(Object.fromEntries(names.map((name) => [name, Type.String()])) as { [N in K]: ReturnType<typeof Type.String> });

export const IdParams = ParamsOf('id');
export type IdParams = Static<typeof IdParams>;

/** A 2xx answered without a body. */
export const NoContent = Type.Null({ description: 'No content' });

/** Bytes, not JSON (file downloads, uploads, the metrics text). */
export const Binary = (mediaType: string, description: string) => ({
  description,
  content: { [mediaType]: { schema: { type: 'string', format: 'binary' } } },
});

/** A request body of raw bytes, streamed to the service (documented, never validated: it is a stream). */
export const BinaryBody = (mediaType: string) => ({ content: { [mediaType]: { schema: { type: 'string', format: 'binary' } } } });

/** JSON Patch (RFC 6902), as Flow Service, Schema Registry and Catalog take it. */
export const JsonPatch = Type.Array(
  Open({
    // AEP's own examples write the operation in capitals ("REPLACE"): any case is taken.
    op: Type.String({ description: 'add, remove, replace, move, copy or test, in any case' }),
    path: Type.String(),
    value: Type.Optional(AnyValue),
    from: Type.Optional(Type.String()),
  }),
  { description: 'JSON Patch operations (RFC 6902)' },
);
export type JsonPatch = Static<typeof JsonPatch>;

/** A body that is either a JSON object or a JSON Patch. */
export const ObjectOrPatch = Type.Union([AnyObject, JsonPatch]);

// ── Error bodies, one per style of src/http/errors.ts ──

/** RFC 7807-like error of the platform services; `type` ends with the service's code. */
export const PlatformError = Open({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.String(),
  report: Open({ 'detailed-message': Type.String(), details: Type.Optional(AnyValue) }),
});
export type PlatformError = Static<typeof PlatformError>;

/** Schema Registry's `errorBasic`. */
export const RegistryError = Open({
  type: Type.String(),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.String(),
  report: Open({
    registryRequestId: Type.String(),
    timestamp: Type.String(),
    'detailed-message': Type.String(),
    'sub-errors': Type.Array(AnyValue),
  }),
});
export type RegistryError = Static<typeof RegistryError>;

/** The API gateway refusing a call (credentials, org, sandbox) before any service sees it. */
export const GatewayError = Open({ error_code: Type.String(), message: Type.String() });
export type GatewayError = Static<typeof GatewayError>;

/** OAuth 2 error of the token endpoint. */
export const ImsError = Open({ error: Type.String(), error_description: Type.String() });
export type ImsError = Static<typeof ImsError>;

/**
 * The 4xx answers of a tenant route: the gateway's 401/403 and the service's own shape for the others.
 * Open objects, so that serializing an error through them keeps it as rendered.
 */
export function errorResponses(service: TObject) {
  return { 400: service, 401: GatewayError, 403: Type.Union([service, GatewayError]), 404: service } as const;
}

// ── Lists ──

/** AEP's `_links.next` and friends: `{href, templated?}` or, in Schema Registry, a bare string or null. */
export const Link = Open({ href: Type.String(), templated: Type.Optional(Type.Boolean()) });
export const Links = Type.Record(Type.String(), Type.Union([Link, Type.String(), Type.Null()]));

/** Data Access and Data Prep's page: `{limit, count}`. */
export const LimitPage = Open({ limit: Type.Integer(), count: Type.Integer() });

/** `{data: [...], _page, _links}` of Data Access and Data Prep. */
export const DataPage = <T extends TSchema>(item: T) =>
  Open({ data: Type.Array(item), _page: Type.Optional(LimitPage), _links: Type.Optional(Links) });

/** Catalog's answer to lists and reads: the objects keyed by their id. */
export const Keyed = <T extends TSchema>(item: T) => Type.Record(Type.String(), item, { description: 'Objects keyed by id' });

/** Catalog's answer to writes: `["@/dataSets/<id>"]`. */
export const CatalogRefs = Type.Array(Type.String({ pattern: '^@/' }), { description: 'References to the written objects' });
export type CatalogRefs = Static<typeof CatalogRefs>;

/** A route's `schema` option: its summary and parts, its service's error answers merged under its own responses. */
export function documenter(errors: Record<number, TSchema>) {
  return <S extends { response: Record<number | string, unknown> } & Record<string, unknown>>(summary: string, schema: S) => ({
    schema: { summary, ...schema, response: { ...errors, ...schema.response } },
  });
}
