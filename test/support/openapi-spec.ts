/**
 * Response validation against one of Adobe's OpenAPI 3 specs (an unchanged copy kept beside the tests
 * that use it). A call is matched to the spec's operation by method and path template; when the spec
 * models a JSON body for that status, the body is validated with ajv against the schema.
 *
 * Errata — places where a spec's schema contradicts the documentation — are passed in by the caller,
 * each with its reason, and applied on load. Examples are dropped (ajv would read `$id`s inside them).
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import type { TestPlatform } from './platform.js';

const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

type Node = Record<string, any>;

/** One correction of the spec: `path` is a key path from the document's root; `replace` is the new node. */
export interface Erratum {
  path: string[];
  replace: Node;
  why: string;
}

interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  params: number;
  responses: Record<string, Node>;
}

function dropExamples(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) dropExamples(item);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  const n = node as Node;
  delete n.example;
  delete n.examples;
  for (const [key, value] of Object.entries(n)) dropExamples(key === 'properties' ? Object.values(value as Node) : value);
}

export class OpenApiSpec {
  readonly document: Node;
  /** Which spec responses were validated: `GET /flows 200` and so on. */
  readonly validated = new Set<string>();
  private readonly ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly operations: Operation[];

  constructor(
    file: string,
    private readonly base: string,
    errata: Erratum[] = [],
  ) {
    this.document = parse(readFileSync(file, 'utf8'));
    for (const e of errata) {
      let node = this.document;
      for (const key of e.path.slice(0, -1)) {
        node = node[key];
        if (node === undefined) throw new Error(`erratum path ${e.path.join('/')} is not in ${file}`);
      }
      node[e.path[e.path.length - 1]!] = e.replace;
    }
    dropExamples(this.document.components);
    dropExamples(this.document.paths);
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: 'spec', components: this.document.components ?? {} });
    this.operations = Object.entries<Node>(this.document.paths).flatMap(([template, ops]) =>
      Object.entries<Node>(ops)
        .filter(([method]) => method !== 'parameters')
        .map(([method, op]) => ({
          method: method.toUpperCase(),
          template,
          pattern: new RegExp(`^${template.replace(/\/$/, '').replace(/\{[^}]+\}/g, '[^/]+')}/?$`),
          params: (template.match(/\{/g) ?? []).length,
          responses: op.responses ?? {},
        })),
    );
  }

  private validatorFor(schema: Node): ValidateFunction {
    const key = JSON.stringify(schema);
    let v = this.compiled.get(key);
    if (!v) {
      v = this.ajv.compile(JSON.parse(key.replace(/"#\/components\//g, '"spec#/components/')));
      this.compiled.set(key, v);
    }
    return v;
  }

  /** The spec operation of a request, the most specific template first. */
  operationOf(method: string, url: string): Operation | undefined {
    const path = url.split('?')[0]!.slice(this.base.length);
    return this.operations.filter((o) => o.method === method && o.pattern.test(path)).sort((a, b) => a.params - b.params)[0];
  }

  private schemaOf(response: Node | undefined): Node | undefined {
    const content = response?.content as Record<string, Node> | undefined;
    if (!content) return undefined;
    return Object.entries(content).find(([type]) => type.startsWith('application/json'))?.[1]?.schema;
  }

  /** Validates a response body against the spec; returns the errors (empty when valid or not modelled). */
  check(method: string, url: string, status: number, body: unknown): string[] {
    const op = this.operationOf(method, url);
    if (!op) throw new Error(`no spec operation for ${method} ${url}`);
    const schema = this.schemaOf(op.responses[String(status)]);
    if (!schema) return [];
    const validate = this.validatorFor(schema);
    this.validated.add(`${op.method} ${op.template} ${status}`);
    if (validate(body)) return [];
    return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message} (${e.schemaPath})`);
  }

  /** `t.call` that also validates the answer against the spec, failing loudly when it does not conform. */
  async call(
    t: TestPlatform,
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    const res = await t.call(method, url, body, headers);
    const json = res.body === '' ? undefined : res.json();
    const errors = this.check(method, url, res.statusCode, json);
    if (errors.length > 0)
      throw new Error(`${method} ${url} → ${res.statusCode} does not conform to the spec:\n${errors.join('\n')}\n${res.body.slice(0, 2000)}`);
    return res;
  }
}
