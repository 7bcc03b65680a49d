/**
 * `GET /rpc/sampledata/{schemaId}`: one made-up record shaped like a resolved schema. Values honour
 * enums, formats, bounds, lengths and patterns (patterns through randexp); the record is then
 * checked with the schema's own validator, and any optional field that still fails is dropped.
 */
import RandExp from 'randexp';
import type { TargetSchema } from '../../pipeline/contracts.js';

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Deep enough for every standard schema; data types that contain themselves stop here. */
const MAX_DEPTH = 10;

const FORMATS: Record<string, string> = {
  email: 'someone@example.com',
  date: '2024-05-17',
  'date-time': '2024-05-17T10:15:30Z',
  time: '10:15:30Z',
  uri: 'https://example.com/resource',
  'uri-reference': '/uri-reference',
  url: 'https://example.com/',
  ipv4: '192.0.2.1',
  ipv6: '2001:db8::1',
  uuid: '3fa85f64-5717-4562-b3fc-2c963f66afa6',
};

function fromPattern(pattern: string): string | undefined {
  try {
    const generator = new RandExp(pattern);
    generator.max = 3; // keeps `*` and `+` short
    return generator.gen();
  } catch {
    return undefined;
  }
}

function stringValue(node: Node, name: string): string | undefined {
  if (typeof node.pattern === 'string') return fromPattern(node.pattern);
  if (typeof node.format === 'string') return FORMATS[node.format] ?? `${name}-example`;
  let value = `${name || 'value'}-example`;
  const min = typeof node.minLength === 'number' ? node.minLength : 0;
  const max = typeof node.maxLength === 'number' ? node.maxLength : Infinity;
  while (value.length < min) value += 'x';
  if (value.length > max) value = value.slice(0, Math.max(max, 0));
  return value;
}

function numberValue(node: Node, integer: boolean): number {
  const min = typeof node.minimum === 'number' ? node.minimum : typeof node.exclusiveMinimum === 'number' ? node.exclusiveMinimum + 1 : undefined;
  const max = typeof node.maximum === 'number' ? node.maximum : typeof node.exclusiveMaximum === 'number' ? node.exclusiveMaximum - 1 : undefined;
  let value = integer ? 1 : 1.5;
  if (min !== undefined && value < min) value = integer ? Math.ceil(min) : min;
  if (max !== undefined && value > max) value = integer ? Math.floor(max) : max;
  return value;
}

function sampleValue(node: Node, name: string, depth: number): unknown {
  if (node.const !== undefined) return node.const;
  if (node.default !== undefined) return node.default;
  if (Array.isArray(node.enum) && node.enum.length > 0) return node.enum[0];
  if (Array.isArray(node.examples) && node.examples.length > 0) return node.examples[0];
  switch (node.type) {
    case 'string':
      return stringValue(node, name);
    case 'integer':
      return numberValue(node, true);
    case 'number':
      return numberValue(node, false);
    case 'boolean':
      return true;
    case 'array': {
      if (depth >= MAX_DEPTH || !isNode(node.items)) return [];
      const item = sampleValue(node.items, name, depth + 1);
      if (item === undefined) return [];
      const count = Math.max(typeof node.minItems === 'number' ? node.minItems : 1, 1);
      return Array.from({ length: count }, () => structuredClone(item));
    }
    case 'object':
    case undefined: {
      if (depth >= MAX_DEPTH) return undefined;
      const out: Node = {};
      if (isNode(node.properties)) {
        for (const [child, schema] of Object.entries(node.properties)) {
          if (!isNode(schema)) continue;
          const value = sampleValue(schema, child, depth + 1);
          if (value !== undefined) out[child] = value;
        }
      }
      return out;
    }
    default:
      return undefined;
  }
}

/** Removes the value at a dotted path (`a.b[0].c`); false when the path is not there. */
function removeAt(record: Node, path: string): boolean {
  const parts = path.split(/\.|\[(\d+)\]/).filter((p) => p !== undefined && p !== '');
  let node: unknown = record;
  for (const part of parts.slice(0, -1)) node = isNode(node) || Array.isArray(node) ? (node as Record<string, unknown>)[part] : undefined;
  const last = parts[parts.length - 1];
  if (last === undefined || !(isNode(node) || Array.isArray(node)) || !(last in (node as object))) return false;
  if (Array.isArray(node)) node.splice(Number(last), 1);
  else delete (node as Node)[last];
  return true;
}

/** A record for the resolved schema that its compiled validator accepts (as far as dropping fields can get it). */
export function sampleRecord(target: TargetSchema): Record<string, unknown> {
  const record = (sampleValue(target.schema, '', 0) ?? {}) as Node;
  for (let round = 0; round < 20; round++) {
    const violations = target.validate(record);
    if (violations.length === 0) break;
    // The validator names the failing field; dropping it (or its parent, for a missing one) converges.
    const removed = violations.map((v) => removeAt(record, v.path) || removeAt(record, v.path.replace(/(\.[^.]+|\[\d+\])$/, '')));
    if (!removed.some(Boolean)) break;
  }
  return record;
}
