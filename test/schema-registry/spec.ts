/**
 * Response validation against Adobe's Schema Registry spec (test/schema-registry/spec, Swagger 2.0).
 * A call made through `specCall` is matched to the spec's operation by method and path template; when
 * the spec models that status's body, the body is validated with ajv against the spec's definition.
 *
 * Swagger 2.0 cannot say "or null": a property whose own example is empty (`next:`) is read as
 * nullable, which is what the spec's examples show. Errata — places where the spec's schema
 * contradicts its own examples and the documentation — are listed below and applied on load.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import type { TestPlatform } from '../support/platform.js';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

type Node = Record<string, any>;
const SPEC_FILE = fileURLToPath(new URL('./spec/schema-registry.yaml', import.meta.url));
const BASE = '/data/foundation/schemaregistry';

/**
 * `createDescriptor` types `xdm:sourceVersion` as a string while every example of the spec (and the
 * descriptors guide) sends and receives the integer 1; likewise `xdm:destinationVersion`.
 */
const ERRATA: Array<{ definition: string; path: string[]; replace: Node; why: string }> = [
  { definition: 'createDescriptor', path: ['properties', 'xdm:sourceVersion'], replace: { type: ['integer', 'string'] }, why: 'examples use 1' },
  {
    definition: 'relationshipDescriptorResponse',
    path: ['allOf', '1', 'properties', 'xdm:destinationVersion'],
    replace: { type: ['integer', 'string'] },
    why: 'examples use 1',
  },
  // Typed string; the spec's own example and the descriptors guide send a language map, {"en_us": "…"}.
  {
    definition: 'friendlyNameDescriptorResponse',
    path: ['allOf', '2', 'properties', 'xdm:title'],
    replace: { type: ['string', 'object'] },
    why: 'examples use {en_us}',
  },
  {
    definition: 'friendlyNameDescriptorResponse',
    path: ['allOf', '2', 'properties', 'xdm:description'],
    replace: { type: ['string', 'object'] },
    why: 'examples use {en_us}',
  },
];

/** The same, for response schemas written inline in an operation (path from the spec's `paths`). */
const RESPONSE_ERRATA: Array<{ path: string[]; replace: Node; why: string }> = [
  // Typed string; the spec's own example has the removed value itself: 0, or a field's definition (an object).
  {
    path: ['/rpc/auditlog/{RESOURCE_ID}', 'get', 'responses', '200', 'schema', 'items', 'properties', 'updates', 'items', 'properties', 'value'],
    replace: {},
    why: 'examples use 0 and objects',
  },
];

/** `meta:createdDate` is typed "object" ("a timestamp") wherever it appears; every example (and the XDM source) has '2020-08-10'. */
function createdDateAsString(node: unknown): void {
  if (typeof node !== 'object' || node === null) return;
  const n = node as Node;
  if (n.properties?.['meta:createdDate']?.type === 'object') n.properties['meta:createdDate'].type = ['string', 'object'];
  Object.values(n).forEach(createdDateAsString);
}

/** Reads `example: null` as "nullable", then drops examples: they hold `$id`s that ajv would take for schema ids. */
function nullableWhereExampleIsNull(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) nullableWhereExampleIsNull(item);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const n = node as Node;
  if ('example' in n && n.example === null && typeof n.type === 'string') n.type = [n.type, 'null'];
  delete n.example;
  for (const [key, value] of Object.entries(n)) nullableWhereExampleIsNull(key === 'properties' ? Object.values(value as Node) : value);
}

export const spec: Node = parse(readFileSync(SPEC_FILE, 'utf8'));
nullableWhereExampleIsNull(spec.definitions);
createdDateAsString(spec.definitions);
for (const ops of Object.values<Node>(spec.paths))
  for (const op of Object.values<Node>(ops)) for (const r of Object.values<Node>(op?.responses ?? {})) nullableWhereExampleIsNull(r?.schema);
for (const e of ERRATA) {
  let node = spec.definitions[e.definition];
  for (const key of e.path.slice(0, -1)) node = node[key];
  node[e.path[e.path.length - 1]!] = e.replace;
}

for (const e of RESPONSE_ERRATA) {
  let node = spec.paths;
  for (const key of e.path.slice(0, -1)) node = node[key];
  node[e.path[e.path.length - 1]!] = e.replace;
}

const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
addFormats(ajv);
ajv.addSchema({ $id: 'spec', definitions: spec.definitions });

const compiled = new Map<string, ValidateFunction>();
function validatorFor(schema: Node): ValidateFunction {
  const key = JSON.stringify(schema);
  let v = compiled.get(key);
  if (!v) {
    // Refs inside an inline response schema point into the spec document.
    const rebased = JSON.parse(key.replace(/"#\/definitions\//g, '"spec#/definitions/'));
    v = ajv.compile(rebased);
    compiled.set(key, v);
  }
  return v;
}

interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  params: number;
  responses: Record<string, Node>;
}

const operations: Operation[] = Object.entries<Node>(spec.paths).flatMap(([template, ops]) =>
  Object.entries<Node>(ops)
    .filter(([method]) => method !== 'parameters')
    .map(([method, op]) => ({
      method: method.toUpperCase(),
      template,
      pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
      params: (template.match(/\{/g) ?? []).length,
      responses: op.responses ?? {},
    })),
);

/** The spec operation of a request, the most specific template first (`/tenant/schemas` before `/{CONTAINER_ID}/schemas`). */
export function operationOf(method: string, url: string): Operation | undefined {
  const path = url.split('?')[0]!.slice(BASE.length);
  return operations.filter((o) => o.method === method && o.pattern.test(path)).sort((a, b) => a.params - b.params)[0];
}

/** Which spec responses were validated: `GET /stats 200` and so on. */
export const validated = new Set<string>();

/** Validates a response body against the spec; returns the errors (empty when valid or not modelled). */
export function checkAgainstSpec(method: string, url: string, status: number, body: unknown): string[] {
  const op = operationOf(method, url);
  if (!op) throw new Error(`no spec operation for ${method} ${url}`);
  const response = op.responses[String(status)];
  if (!response?.schema) return [];
  const validate = validatorFor(response.schema);
  validated.add(`${op.method} ${op.template} ${status}`);
  if (validate(body)) return [];
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} (${e.schemaPath})`);
}

/** `t.call` that also validates the answer against the spec, failing loudly when it does not conform. */
export async function specCall(
  t: TestPlatform,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const res = await t.call(method, url, body, headers);
  const json = res.body === '' ? undefined : res.json();
  const errors = checkAgainstSpec(method, url, res.statusCode, json);
  if (errors.length > 0)
    throw new Error(`${method} ${url} → ${res.statusCode} does not conform to the spec:\n${errors.join('\n')}\n${res.body.slice(0, 2000)}`);
  return res;
}

/** Every spec response with a body schema, as `METHOD template status`. */
export function modelledResponses(): string[] {
  return operations.flatMap((o) =>
    Object.entries(o.responses)
      .filter(([, r]) => r.schema)
      .map(([status]) => `${o.method} ${o.template} ${status}`),
  );
}
